"""A repayment and a statement's offset of the same receivable at once, on PostgreSQL
with real row locks: the approval waits for the repayment's hold on the receivable and
offsets only what it left, so together they never recover more than was outstanding.
(Two approvals in one programme also wait on each other through the programme row the
statement's lock takes with it.)"""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from billing.models import Settlement, UsageRecord
from billing.reconcile import reconcile
from billing.settlements import approve_settlement, build_settlements
from recovery.models import Recovery
from recovery.services import record_finding, record_repayment
from tests.billing.conftest import send, usage
from tests.billing.test_clawback_race_postgres import wait_for_a_lock_wait
from tests.recovery.conftest import evidence, receivable_of
from vouchers.services.ledger_check import check_ledger

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def test_a_repayment_and_an_offset_never_recover_more_than_is_outstanding(
    paid_june, centre, bob, fiona, frank
):
    original = UsageRecord.objects.get(record_id="a")
    record_finding(record=original, amount="20.00", reason="审计", evidence=evidence(), by=bob)
    send(centre, [usage(amount="100.00", month=7)])
    reconcile()
    build_settlements(period="2024-07")
    july = Settlement.objects.get(status="draft")
    assert july.total_subsidy == Decimal("50.00")

    holding, release, errors = threading.Event(), threading.Event(), []

    def repay():
        try:
            with transaction.atomic():
                record_repayment(
                    receivable=receivable_of(centre), amount="15.00", bank_reference="BOC-1",
                    repaid_on=date(2024, 6, 1), by=fiona,
                )  # fmt: skip
                holding.set()
                release.wait(timeout=60)
        except Exception as exc:  # judged in the main thread
            errors.append(exc)
        finally:
            connection.close()

    def approve():
        try:
            approve_settlement(settlement=july, by=frank)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    first, second = threading.Thread(target=repay), threading.Thread(target=approve)
    first.start()
    assert holding.wait(timeout=30)
    second.start()
    try:
        wait_for_a_lock_wait()  # the approval waits for the receivable
    finally:
        release.set()
        first.join(timeout=60)
        second.join(timeout=60)

    assert errors == []
    july.refresh_from_db()
    assert july.offset == Decimal("5.00")
    assert receivable_of(centre).balance == Decimal("0.00")
    assert sum(r.amount for r in Recovery.objects.all()) == Decimal("20.00")
    assert check_ledger(programmes=[paid_june.programme]).problems == []
