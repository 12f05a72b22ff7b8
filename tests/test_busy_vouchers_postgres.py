"""A revocation or expiry while a long reconcile chunk holds the voucher's row lock
answers "busy, try again" (a DomainError with code `busy`) when lock_timeout runs out,
not a raw OperationalError (a 500 in a page); other database errors pass through.

`holding_the_voucher` plays the reconcile chunk: another connection locks the voucher row
and keeps it until the test is done; this connection waits at most 200 ms for a lock."""

import threading
from contextlib import contextmanager
from datetime import date

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import OperationalError, connection, connections
from django.urls import reverse

from accounts.models import Membership, User
from config.errors import DomainError
from tests import builders
from vouchers.models import Voucher
from vouchers.services.applications import approve_application
from vouchers.services.closing import close_vouchers, expire_voucher, revoke_voucher

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def voucher(programme, company, centre, bob):
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    return approve_application(application=application, by=bob).voucher


@pytest.fixture
def short_lock_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


@contextmanager
def holding_the_voucher(voucher):
    locked, release = threading.Event(), threading.Event()

    def chunk():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT id FROM vouchers_voucher WHERE id = %s FOR UPDATE", [voucher.pk]
                )
                locked.set()
                release.wait(30)
                cursor.execute("ROLLBACK")
        finally:
            connections["default"].close()

    thread = threading.Thread(target=chunk)
    thread.start()
    assert locked.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_a_revocation_during_a_long_reconcile_is_told_to_try_again(
    voucher, bob, short_lock_timeout
):
    with holding_the_voucher(voucher), pytest.raises(DomainError) as refused:
        revoke_voucher(voucher=voucher, by=bob, reason="虚假合同")

    assert (refused.value.code, refused.value.field) == ("busy", "voucher")
    assert "请稍后重试" in refused.value.zh and "try again" in refused.value.en
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ACTIVE  # nothing half done
    # Once the lock is gone, the same call succeeds.
    assert revoke_voucher(voucher=voucher, by=bob, reason="虚假合同").status == "revoked"


def test_an_expiry_during_a_long_reconcile_is_told_to_try_again(voucher, short_lock_timeout):
    with holding_the_voucher(voucher), pytest.raises(DomainError) as refused:
        expire_voucher(voucher=voucher, today=date(2025, 6, 1))

    assert refused.value.code == "busy"


def test_the_daily_close_skips_a_busy_voucher_and_counts_it(voucher, short_lock_timeout):
    with holding_the_voucher(voucher):
        assert close_vouchers(today=date(2025, 6, 1)) == {"expired": 0, "activated": 0, "busy": 1}

    assert close_vouchers(today=date(2025, 6, 1)) == {"expired": 1, "activated": 0}


def test_other_database_errors_are_not_called_busy(voucher, bob, monkeypatch):
    def broken(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("vouchers.services.closing.lock_voucher", broken)

    with pytest.raises(OperationalError):
        revoke_voucher(voucher=voucher, by=bob, reason="虚假合同")


def test_the_admin_shows_the_busy_message_instead_of_a_500(
    client, voucher, chengdu, short_lock_timeout
):
    olivia = User.objects.create_superuser("olivia", "olivia@example.com", "pass")
    Membership.objects.create(user=olivia, role=Membership.Role.REVIEWER, authority=chengdu)
    client.force_login(olivia)
    data = {
        "action": "revoke",
        ACTION_CHECKBOX_NAME: [voucher.pk],
        "confirm": "yes",
        "note": "虚假合同",
    }

    with holding_the_voucher(voucher):
        response = client.post(reverse("admin:vouchers_voucher_changelist"), data, follow=True)

    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "请稍后重试" in shown and "try again" in shown
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ACTIVE


def test_the_admins_expiry_run_says_which_vouchers_were_busy(
    client, voucher, short_lock_timeout, monkeypatch
):
    olivia = User.objects.create_superuser("olivia", "olivia@example.com", "pass")
    client.force_login(olivia)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: date(2025, 6, 1))

    with holding_the_voucher(voucher):
        response = client.post(
            reverse("admin:vouchers_voucher_changelist"),
            {"action": "run_expiry_now", "index": 0},
            follow=True,
        )

    shown = " ".join(str(m) for m in response.context["messages"])
    assert "expired 0" in shown and "1 vouchers are busy" in shown
