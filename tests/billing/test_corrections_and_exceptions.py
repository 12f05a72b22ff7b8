"""Corrections adjust a subsidy without editing the original; reviewers resolve exceptions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from billing.models import ReconciliationException, UsageRecord
from billing.reconcile import reconcile
from billing.services.exceptions import resolve_exception
from config.errors import DomainError
from tests.billing.conftest import assert_ledger_holds, send, usage


def record(record_id):
    return UsageRecord.objects.get(record_id=record_id)


def test_a_correction_down_takes_back_the_difference(voucher, centre):
    send(centre, [usage(record_id="a", amount="100.00")])
    reconcile()

    send(centre, [usage(record_id="a-fix", amount="60.00", corrects="a")])
    reconcile()

    assert record("a").subsidy == Decimal("50.00")  # the original is never edited
    assert (record("a-fix").status, record("a-fix").subsidy) == ("redeemed", Decimal("-20.00"))
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("30.00")
    assert_ledger_holds(voucher.programme)


def test_a_second_correction_replaces_the_first(voucher, centre):
    send(centre, [usage(record_id="a", amount="100.00")])
    reconcile()
    send(centre, [usage(record_id="fix1", amount="60.00", corrects="a")])
    reconcile()

    send(centre, [usage(record_id="fix2", amount="200.00", corrects="a")])
    reconcile()

    assert record("fix2").subsidy == Decimal("70.00")
    # What each changed in the bill: 100 -> 60 -> 200.
    assert (record("fix1").billed_change, record("fix2").billed_change) == (
        Decimal("-40.00"),
        Decimal("140.00"),
    )
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("100.00")
    assert_ledger_holds(voucher.programme)


def test_a_correction_sent_with_its_original_applies_after_it(voucher, centre):
    send(centre, [usage(record_id="z-fix", amount="10.00", corrects="a", day=1),
                  usage(record_id="a", amount="100.00", day=5)])  # fmt: skip

    reconcile()

    assert (record("z-fix").subsidy, record("z-fix").billed_change) == (
        Decimal("-45.00"),
        Decimal("-90.00"),
    )
    assert_ledger_holds(voucher.programme)


def test_a_correction_of_an_unknown_record_is_an_exception(voucher, centre):
    send(centre, [usage(record_id="fix", amount="10.00", corrects="nope")])

    reconcile()

    assert (record("fix").status, record("fix").exception) == ("exception", "unknown_original")


@pytest.fixture
def outlier(voucher, centre):
    usual = [usage(record_id=f"u{i}", amount="10.00", quantity="10", day=i + 1) for i in range(5)]
    send(centre, usual)
    reconcile()
    send(centre, [usage(record_id="dear", amount="1000.00", quantity="10", day=9)])
    reconcile()
    return ReconciliationException.objects.get(record__record_id="dear")


def test_a_reviewer_accepts_an_exception_and_the_record_is_applied(outlier, bob, voucher):
    resolve_exception(exception=outlier, decision="accepted", by=bob, note="GPU upgrade")

    outlier.refresh_from_db()
    assert (outlier.status, outlier.decided_by, outlier.note) == ("accepted", bob, "GPU upgrade")
    assert (record("dear").status, record("dear").subsidy) == ("redeemed", Decimal("500.00"))
    assert AuditEvent.objects.filter(
        action="usage_exception.accepted", object_id=str(outlier.pk)
    ).exists()
    assert_ledger_holds(voucher.programme)


def test_a_reviewer_rejects_an_exception_and_the_record_is_dropped(outlier, bob, voucher):
    resolve_exception(exception=outlier, decision="rejected", by=bob)

    assert record("dear").status == "rejected"
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("25.00")


def test_an_exception_is_decided_once(outlier, bob, carol):
    resolve_exception(exception=outlier, decision="rejected", by=bob)

    with pytest.raises(DomainError, match="already"):
        resolve_exception(exception=outlier, decision="accepted", by=carol)


def test_only_a_reviewer_of_the_programmes_authority_decides(outlier, dave, alice, centre_engineer):
    for outsider in (dave, alice, centre_engineer):
        with pytest.raises(PermissionDenied):
            resolve_exception(exception=outlier, decision="accepted", by=outsider)

    assert ReconciliationException.objects.get(pk=outlier.pk).status == "open"


def test_a_record_without_voucher_can_only_be_rejected(voucher, centre, bob):
    send(centre, [usage(record_id="x", contract="HT-NONE")])
    reconcile()
    case = ReconciliationException.objects.get()

    with pytest.raises(DomainError) as refused:
        resolve_exception(exception=case, decision="accepted", by=bob)

    assert refused.value.code == "not_applicable"
    resolve_exception(exception=case, decision="rejected", by=bob)
    assert record("x").status == "rejected"
