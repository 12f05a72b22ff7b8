"""The back office: keys shown once at creation and revoked by an action; the reviewer
sees the provider's answer on the application."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.models import User
from api.models import ApiKey
from tests.billing.api.helpers import client_with
from vouchers.models import Application
from vouchers.services.contracts import answer_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def olivia(db):
    return User.objects.create_superuser("olivia", "olivia@example.com", "pass")


@pytest.fixture
def back_office(client, olivia):
    client.force_login(olivia)
    return client


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_a_key_made_in_the_admin_is_shown_once_and_works(back_office, centre):
    response = back_office.post(
        url(ApiKey, "add"), {"provider": centre.pk, "name": "prod"}, follow=True
    )
    [shown] = [str(m) for m in response.context["messages"] if "shown once" in str(m)]
    raw = shown.rsplit(" ", 1)[-1]
    assert client_with(raw).get("/api/v1/contracts").status_code == 200
    key = ApiKey.objects.get()
    page = back_office.get(url(ApiKey, "change", key.pk)).content.decode()
    assert key.prefix in page and raw not in page


def test_the_revoke_action_revokes(back_office, centre_key):
    data = {"action": "revoke", ACTION_CHECKBOX_NAME: [centre_key.pk], "index": 0}
    back_office.post(url(ApiKey, "changelist"), data, follow=True)
    assert client_with(centre_key.raw).get("/api/v1/contracts").status_code == 401


def test_the_application_page_shows_a_dispute_to_the_reviewer(
    back_office, application, centre_engineer
):
    answer_contract(
        contract=application.contract, confirmed=False, note="合同不存在", by=centre_engineer
    )
    page = back_office.get(url(Application, "change", application.pk)).content.decode()
    assert "合同不存在" in page


def test_the_application_page_shows_confirmed_figures_that_differ(
    back_office, application, centre_engineer
):
    answer_contract(
        contract=application.contract, confirmed=True, value="80000.00", by=centre_engineer
    )
    page = back_office.get(url(Application, "change", application.pk)).content.decode()
    assert "80000.00" in page and "100000.00" in page
