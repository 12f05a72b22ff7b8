"""A correction that takes back more than the provider's redeemed account holds (its
statement already paid) is an exception `clawback_needed`, never a failed chunk."""

from decimal import Decimal

import pytest

from accounts.models import Membership
from billing.models import ReconciliationException, Settlement, UsageRecord
from billing.reconcile import reconcile
from billing.services.exceptions import resolve_exception
from billing.settlements import approve_settlement, build_settlements
from config.errors import DomainError
from tests import builders
from tests.billing.conftest import assert_ledger_holds, issue, send, usage
from vouchers.models import LedgerEntry
from vouchers.services import ledger


def record(record_id):
    return UsageRecord.objects.get(record_id=record_id)


def redeemed_balance(voucher) -> Decimal:
    return ledger.redeemed_account(voucher.programme_id, voucher.provider_id).balance


@pytest.fixture
def fiona(chengdu):
    return builders.member("fiona", Membership.Role.FINANCE_OFFICER, authority=chengdu)


@pytest.fixture
def paid_june(voucher, centre, bob, fiona):
    """June's 100 yuan record redeemed 50, its statement approved and paid: the
    provider's redeemed account is empty again."""
    send(centre, [usage(record_id="a", amount="100.00")])
    reconcile()
    build_settlements(period="2024-06")
    june = Settlement.objects.get(period="2024-06")
    approve_settlement(settlement=june, by=bob)
    builders.paid_through_batch(june, by=fiona)
    assert redeemed_balance(voucher) == Decimal("0.00")
    return june


@pytest.fixture
def other(programme, company, centre, bob):
    """A second voucher of the same programme and provider: the same redeemed account."""
    return issue(programme, company, centre, bob, "HT-2024-002")


@pytest.fixture
def take_back(paid_june, other, centre):
    """The correction down (50 -> 30 yuan of subsidy, 20 to take back) and another
    voucher's record (5 yuan) in the same reconcile run."""
    send(centre, [usage(record_id="a-fix", amount="60.00", corrects="a"),
                  usage(record_id="b", contract="HT-2024-002", amount="10.00")])  # fmt: skip
    return reconcile()


def test_a_take_back_beyond_the_redeemed_account_is_an_exception(take_back, voucher):
    fix = record("a-fix")
    assert (fix.status, fix.exception, fix.subsidy) == ("exception", "clawback_needed", None)
    case = ReconciliationException.objects.get(record=fix)
    assert (case.reason, case.status) == ("clawback_needed", "open")
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("50.00")  # nothing moved for it
    assert not LedgerEntry.objects.filter(voucher=voucher, debit__kind="redeemed").exists()


def test_the_rest_of_the_chunk_reconciles(take_back, other, voucher):
    assert (record("b").status, record("b").subsidy) == ("redeemed", Decimal("5.00"))
    other.refresh_from_db()
    assert other.redeemed == Decimal("5.00")
    assert redeemed_balance(voucher) == Decimal("5.00")
    assert (take_back.records_redeemed, take_back.exceptions) == (1, 1)
    assert_ledger_holds(voucher.programme)


def test_a_second_run_changes_nothing(take_back, voucher):
    entries, cases = LedgerEntry.objects.count(), ReconciliationException.objects.count()

    again = reconcile()

    assert (again.vouchers, again.records_redeemed, again.exceptions) == (0, 0, 0)
    assert (LedgerEntry.objects.count(), ReconciliationException.objects.count()) == (
        entries,
        cases,
    )
    assert redeemed_balance(voucher) == Decimal("5.00")
    assert_ledger_holds(voucher.programme)


def test_the_vouchers_later_records_still_reconcile(take_back, centre, voucher):
    send(centre, [usage(record_id="july", amount="40.00", month=7)])

    reconcile()

    assert (record("july").status, record("july").subsidy) == ("redeemed", Decimal("20.00"))
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("70.00")
    assert_ledger_holds(voucher.programme)


def test_a_take_back_the_redeemed_account_holds_is_applied(paid_june, other, centre, voucher):
    send(centre, [usage(record_id="b", contract="HT-2024-002", amount="100.00", month=7)])
    reconcile()  # 50 yuan in the redeemed account again, not yet paid

    send(centre, [usage(record_id="a-fix", amount="60.00", corrects="a")])
    reconcile()

    assert (record("a-fix").status, record("a-fix").subsidy) == ("redeemed", Decimal("-20.00"))
    assert redeemed_balance(voucher) == Decimal("30.00")
    assert_ledger_holds(voucher.programme)


def clawback_case():
    return ReconciliationException.objects.get(reason="clawback_needed")


def test_rejecting_it_drops_the_correction(take_back, bob, voucher):
    resolve_exception(exception=clawback_case(), decision="rejected", by=bob)

    assert record("a-fix").status == "rejected"
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("50.00")
    assert_ledger_holds(voucher.programme)


def test_accepting_it_is_refused_while_the_redeemed_account_cannot_absorb_it(take_back, bob):
    with pytest.raises(DomainError) as refused:
        resolve_exception(exception=clawback_case(), decision="accepted", by=bob)

    assert refused.value.code == "clawback_needed"
    assert "追回" in str(refused.value.zh) and "claw" in str(refused.value.en)
    assert (clawback_case().status, record("a-fix").status) == ("open", "exception")


def test_accepting_it_applies_it_once_the_redeemed_account_can(take_back, centre, bob, voucher):
    send(centre, [usage(record_id="c", contract="HT-2024-002", amount="100.00", month=7)])
    reconcile()  # the redeemed account holds 5 + 50 yuan now

    resolve_exception(exception=clawback_case(), decision="accepted", by=bob)

    assert (record("a-fix").status, record("a-fix").subsidy) == ("redeemed", Decimal("-20.00"))
    assert record("a-fix").billed_change == Decimal("-40.00")  # billed 100, corrected to 60
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("30.00")
    assert redeemed_balance(voucher) == Decimal("35.00")
    assert clawback_case().status == "accepted"
    assert_ledger_holds(voucher.programme)
