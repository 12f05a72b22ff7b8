"""The back office: keys shown once at creation and revoked by an action, by the
provider's own staff only; the reviewer sees the provider's answer on the application."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.models import Membership, User
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


@pytest.fixture
def centre_back_office(back_office, olivia, centre):
    """olivia as the centre's own staff, who may manage its keys."""
    Membership.objects.create(user=olivia, role=Membership.Role.PROVIDER_STAFF, provider=centre)
    return back_office


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_a_key_made_in_the_admin_is_shown_once_and_works(centre_back_office, centre):
    back_office = centre_back_office
    response = back_office.post(
        url(ApiKey, "add"), {"provider": centre.pk, "name": "prod"}, follow=True
    )
    [shown] = [str(m) for m in response.context["messages"] if "shown once" in str(m)]
    raw = shown.rsplit(" ", 1)[-1]
    assert client_with(raw).get("/api/v1/contracts").status_code == 200
    key = ApiKey.objects.get()
    page = back_office.get(url(ApiKey, "change", key.pk)).content.decode()
    assert key.prefix in page and raw not in page


def test_the_revoke_action_revokes(centre_back_office, centre_key):
    data = {"action": "revoke", ACTION_CHECKBOX_NAME: [centre_key.pk], "index": 0}
    centre_back_office.post(url(ApiKey, "changelist"), data, follow=True)
    assert client_with(centre_key.raw).get("/api/v1/contracts").status_code == 401


def test_a_superuser_who_is_not_the_providers_staff_issues_and_revokes_no_key(
    back_office, centre, centre_key
):
    made = back_office.post(url(ApiKey, "add"), {"provider": centre.pk, "name": "x"}, follow=True)
    data = {"action": "revoke", ACTION_CHECKBOX_NAME: [centre_key.pk], "index": 0}
    revoked = back_office.post(url(ApiKey, "changelist"), data, follow=True)

    shown = [str(m) for page in (made, revoked) for m in page.context["messages"]]
    assert sum("not permitted: api.manage_keys" in m for m in shown) == 2, shown
    assert list(ApiKey.objects.values_list("pk", "revoked_at")) == [(centre_key.pk, None)]


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
