"""Monthly statements: lines trace to records, totals equal the ledger, four-eyes payment."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from accounts.models import Membership
from billing.models import Settlement, SettlementLine, UsageRecord
from billing.reconcile import reconcile
from billing.settlements import approve_settlement, build_settlements
from config.errors import DomainError
from tests import builders
from tests.billing.conftest import assert_ledger_holds, send, usage
from vouchers.models import LedgerAccount
from vouchers.services import ledger


@pytest.fixture
def fiona(chengdu):
    return builders.member("fiona", Membership.Role.FINANCE_OFFICER, authority=chengdu)


@pytest.fixture
def june(voucher, centre):
    send(centre, [usage(record_id="a", amount="100.00", day=3), usage(record_id="b", amount="0.03", day=30),
                  usage(record_id="july", amount="40.00", month=7)])  # fmt: skip
    reconcile()
    build_settlements(period="2024-06")
    return Settlement.objects.get(period="2024-06")


def redeemed_balance(voucher) -> Decimal:
    return ledger.redeemed_account(voucher.programme_id, voucher.provider_id).balance


def test_a_statement_lists_the_months_records_and_matches_the_ledger(june, voucher):
    lines = {line.record.record_id: line.subsidy for line in june.lines.all()}

    assert lines == {"a": Decimal("50.00"), "b": Decimal("0.01")}
    assert (june.status, june.total_billed, june.total_subsidy) == (
        "draft",
        Decimal("100.03"),
        Decimal("50.01"),
    )
    build_settlements(period="2024-07")
    total = Settlement.objects.aggregate(s=Sum("total_subsidy"))["s"]
    assert total == redeemed_balance(voucher) == Decimal("70.01")


def test_building_again_adds_nothing(june):
    assert build_settlements(period="2024-06")["lines_added"] == 0
    assert SettlementLine.objects.count() == 2


def test_a_statement_is_approved_then_paid_by_another_officer(june, bob, fiona, voucher):
    approve_settlement(settlement=june, by=bob)
    paid = builders.paid_through_batch(june, by=fiona)

    assert (paid.status, paid.approved_by, paid.paid_by) == ("paid", bob, fiona)
    paid_account = LedgerAccount.objects.get(kind="paid", provider=voucher.provider)
    assert paid_account.balance == Decimal("50.01")
    assert redeemed_balance(voucher) == Decimal("20.00")  # July's record, not yet settled
    assert [step["step"] for step in paid.approvals] == ["approve", "pay"]
    assert_ledger_holds(voucher.programme)


def test_the_approver_cannot_also_pay(june, fiona):
    approve_settlement(settlement=june, by=fiona)

    with pytest.raises(DomainError) as refused:
        builders.paid_through_batch(june, by=fiona)

    assert refused.value.code == "four_eyes"
    assert Settlement.objects.get(pk=june.pk).status == "approved"


def test_only_the_authoritys_officers_approve_and_only_finance_pays(
    june, dave, centre_engineer, bob, carol
):
    for outsider in (dave, centre_engineer):
        with pytest.raises(PermissionDenied):
            approve_settlement(settlement=june, by=outsider)
    approve_settlement(settlement=june, by=bob)

    with pytest.raises(PermissionDenied):
        builders.paid_through_batch(june, by=carol)  # a reviewer, not a finance officer


def test_a_correction_for_a_settled_month_lands_in_the_next_open_statement(
    june, bob, fiona, centre, voucher
):
    approve_settlement(settlement=june, by=bob)
    builders.paid_through_batch(june, by=fiona)
    send(centre, [usage(record_id="a-fix", amount="80.00", corrects="a", day=3)])
    reconcile()

    build_settlements(period="2024-06")
    build_settlements(period="2024-07")

    july = Settlement.objects.get(period="2024-07")
    assert {line.record.record_id: line.subsidy for line in july.lines.all()} == {
        "july": Decimal("20.00"),
        "a-fix": Decimal("-10.00"),
    }
    assert june.lines.count() == 2
    assert july.total_subsidy == redeemed_balance(voucher) == Decimal("10.00")
    # As billed: July's 40, and the correction's change to June's bill (100 -> 80).
    billed = {line.record.record_id: line.billed for line in july.lines.all()}
    assert billed == {"july": Decimal("40.00"), "a-fix": Decimal("-20.00")}
    assert july.total_billed == Decimal("20.00")
    assert_ledger_holds(voucher.programme)


def test_a_bad_period_is_refused_naming_the_field():
    with pytest.raises(DomainError) as refused:
        build_settlements(period="2024-13")

    assert refused.value.field == "period"


def test_every_redeemed_record_is_on_exactly_one_statement(june):
    build_settlements(period="2024-07")

    redeemed = UsageRecord.objects.filter(status="redeemed")
    assert SettlementLine.objects.filter(record__in=redeemed).count() == redeemed.count() == 3
