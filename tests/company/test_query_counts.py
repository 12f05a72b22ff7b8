"""The catalogue, the application list and the wallet cost the same number of queries
whether they show one row or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import builders
from vouchers.services.applications import approve_application

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def more_programmes(chengdu, alice, centre, count):
    for _ in range(count):
        builders.programme(authority=chengdu, manager=alice, providers=[centre])


def more_applications(programme, company, centre, count):
    for _ in range(count):
        builders.submitted_application(
            programme=programme, entity=company, provider=centre, value="30000.00"
        )


def test_the_catalogue_costs_the_same_for_one_programme_or_many(
    as_clerk, programme, chengdu, alice, centre
):
    one = queries_for(as_clerk, "/company/programmes/")
    more_programmes(chengdu, alice, centre, 4)
    assert queries_for(as_clerk, "/company/programmes/") == one


def test_the_application_list_costs_the_same_for_one_or_many(
    as_clerk, application, programme, company, centre
):
    one = queries_for(as_clerk, "/company/applications/")
    more_applications(programme, company, centre, 4)
    assert queries_for(as_clerk, "/company/applications/") == one


def test_the_wallet_costs_the_same_for_one_voucher_or_many(
    as_clerk, application, programme, company, centre, bob
):
    approve_application(application=application, by=bob)
    one = queries_for(as_clerk, "/company/vouchers/")
    more_applications(programme, company, centre, 4)
    for submitted in company.applications.filter(status="submitted"):
        approve_application(application=submitted, by=bob)
    assert company.vouchers.count() == 5
    assert queries_for(as_clerk, "/company/vouchers/") == one
