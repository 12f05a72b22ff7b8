"""A take-back judged while a payment from the same redeemed account is in flight, on
PostgreSQL with real row locks: the chunk waits for the payment and then sees the
account empty, so the correction becomes `clawback_needed` instead of the chunk failing
on the overdraft constraint."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from accounts.models import Membership
from billing.models import Settlement, UsageRecord
from billing.reconcile import reconcile
from billing.settlements import approve_settlement, build_settlements
from tests import builders
from tests.billing.conftest import assert_ledger_holds, send, usage
from vouchers.services import ledger

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def wait_for_a_lock_wait(timeout: float = 30.0) -> None:
    """Until some other backend waits on a row lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("nobody waited for the lock")


def test_a_payment_in_flight_makes_the_take_back_an_exception(voucher, centre, bob, chengdu):
    fiona = builders.member("fiona", Membership.Role.FINANCE_OFFICER, authority=chengdu)
    send(centre, [usage(record_id="a", amount="100.00")])
    reconcile()  # 50.00 redeemed, in the provider's redeemed account
    build_settlements(period="2024-06")
    june = Settlement.objects.get(period="2024-06")
    approve_settlement(settlement=june, by=bob)
    send(centre, [usage(record_id="a-fix", amount="60.00", corrects="a")])  # takes 20 back

    paying, release, errors = threading.Event(), threading.Event(), []

    def pay():
        try:
            with transaction.atomic():
                builders.paid_through_batch(june, by=fiona)  # empties the redeemed account
                paying.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    def run():
        try:
            reconcile()
        except Exception as exc:  # judged in the main thread
            errors.append(exc)
        finally:
            connection.close()

    payer, runner = threading.Thread(target=pay), threading.Thread(target=run)
    payer.start()
    assert paying.wait(timeout=30)
    runner.start()
    try:
        wait_for_a_lock_wait()  # the chunk waits for the payment's lock
    finally:
        release.set()
        payer.join(timeout=60)
        runner.join(timeout=60)

    assert errors == []
    fix = UsageRecord.objects.get(record_id="a-fix")
    assert (fix.status, fix.exception) == ("exception", "clawback_needed")
    account = ledger.redeemed_account(voucher.programme_id, voucher.provider_id)
    assert account.balance == Decimal("0.00")
    assert_ledger_holds(voucher.programme)
