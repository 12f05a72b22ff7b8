"""Personas for the site's pages: a visitor (the anonymous client), 星河's clerk, an
award in public notice on Chengdu's board, and the language the page is asked in."""

import pytest
from django.test import Client

from tests import builders
from vouchers.services.applications import approve_application


@pytest.fixture
def clerk(company):
    """星河's member of staff (entity_staff), password "pass"."""
    return company.clerk


@pytest.fixture
def noticed_programme(chengdu, alice, centre):
    """Chengdu's programme with a week of public notice and an objection address."""
    return builders.programme(
        authority=chengdu,
        manager=alice,
        providers=[centre],
        code="chengdu-2024",
        public_notice_days=7,
        objection_email="objection@jxj.chengdu.gov.cn",
    )


def award(*, programme, entity, provider, reviewer, value="100000.00"):
    application = builders.submitted_application(
        programme=programme, entity=entity, provider=provider, value=value
    )
    return approve_application(application=application, by=reviewer).voucher


@pytest.fixture
def noticed_award(noticed_programme, company, centre, bob):
    """星河's 50,000 yuan award, in public notice."""
    return award(programme=noticed_programme, entity=company, provider=centre, reviewer=bob)


@pytest.fixture
def english_client():
    client = Client()
    client.cookies["django_language"] = "en"
    return client
