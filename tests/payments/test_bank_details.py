"""A payee's bank details: changed by its admin after re-entering the password, stored
encrypted, shown masked, audited without the clear number, and announced to the admins."""

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import Membership
from audit.models import AuditEvent
from company.models import Notification
from payments.models import BankDetails
from tests import builders
from tests.authority.conftest import signed_in
from web.auth import SESSION_KEY as RECENT_LOGIN

pytestmark = pytest.mark.django_db

NEW = {"account_name": "成都星河科技有限公司", "bank_name": "工商银行成都高新支行",
       "account_number": "6222 0210 0100 1234"}  # fmt: skip


def test_the_admin_changes_them_and_sees_them_masked(clerk, company):
    as_clerk = signed_in(clerk, verified=False)

    response = as_clerk.post("/company/bank-details/change/", NEW)

    assert response.status_code == 302
    details = BankDetails.objects.get(entity=company)
    assert details.account_number == "6222021001001234"
    page = as_clerk.get("/company/bank-details/").content.decode()
    assert "6222********1234" in page and "6222021001001234" not in page


def test_the_number_is_encrypted_at_rest(bank_details):
    with connection.cursor() as cursor:
        cursor.execute("SELECT account_number FROM payments_bankdetails")
        stored = [row[0] for row in cursor.fetchall()]
    assert all("1234" not in value and "6222" not in value for value in stored)


def test_a_change_is_audited_without_the_clear_number_and_tells_the_admin(
    bank_details, clerk, company, django_capture_on_commit_callbacks
):
    as_clerk = signed_in(clerk, verified=False)
    changed = dict(NEW, account_number="6222-0210-0100-9876")
    with django_capture_on_commit_callbacks(execute=True):
        as_clerk.post("/company/bank-details/change/", changed)

    event = AuditEvent.objects.filter(action="bank_details.change").latest("pk")
    assert event.before["account_number"] == "6222********1234"
    assert event.after["account_number"] == "6222********9876"
    assert "6222021001009876" not in str(event.after) + str(event.before)
    notice = Notification.objects.get(user=clerk, event=event)
    assert "9876" in notice.subject_en and "0210" not in notice.subject_en


def test_a_change_needs_the_password_typed_again(clerk, company):
    stale = signed_in(clerk, verified=False)
    session = stale.session
    session[RECENT_LOGIN] = timezone.now().timestamp() - 3600
    session.save()

    response = stale.post("/company/bank-details/change/", NEW)

    assert response.status_code == 302 and "/confirm" in response["Location"]
    assert not BankDetails.objects.exists()


def test_staff_who_are_not_the_admin_see_them_but_cannot_change_them(bank_details, company, clerk):
    colleague = builders.member("cathy", Membership.Role.ENTITY_STAFF, entity=company)
    as_colleague = signed_in(colleague, verified=False)

    page = as_colleague.get("/company/bank-details/").content.decode()
    assert "6222********1234" in page and "save-bank-details" not in page
    assert as_colleague.post("/company/bank-details/change/", NEW).status_code == 403


def test_a_bad_account_number_is_refused_by_name(clerk, company):
    as_clerk = signed_in(clerk, verified=False, language="en")
    response = as_clerk.post("/company/bank-details/change/", dict(NEW, account_number="12-34"))
    assert response.status_code == 400
    assert "the account number must be 8 to 30 digits" in response.content.decode()
    assert not BankDetails.objects.exists()


def test_the_provider_changes_its_own_and_its_staff_are_emailed(
    centre, centre_engineer, django_capture_on_commit_callbacks
):
    centre_engineer.email = "erin@centre.example"
    centre_engineer.save()
    as_erin = signed_in(centre_engineer, verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_erin.post("/provider/bank-details/change/", NEW)

    assert response.status_code == 302
    assert BankDetails.objects.get(provider=centre).masked_number == "6222********1234"
    assert mail.outbox[-1].to == ["erin@centre.example"]
    assert "6222021001001234" not in mail.outbox[-1].subject
    assert "6222********1234" in as_erin.get("/provider/bank-details/").content.decode()
