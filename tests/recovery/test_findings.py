"""A finding claws back paid money into a receivable; the payee's next statement offsets
it, a repayment or a write-off by two finance officers closes it; the books hold."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from billing.models import Settlement, UsageRecord
from config.errors import DomainError
from recovery.models import Finding, Recovery
from recovery.services import confirm_write_off, record_finding, record_repayment, request_write_off
from tests.billing.conftest import usage
from tests.recovery.conftest import evidence, receivable_of, statement
from vouchers.services import ledger
from vouchers.services.ledger_check import check_ledger


def find(amount, by, record_id="a"):
    record = UsageRecord.objects.get(record_id=record_id)
    return record_finding(
        record=record, amount=amount, reason="审计：重复计费", evidence=evidence(), by=by
    )


def assert_books_hold(programme):
    assert check_ledger(programmes=[programme]).problems == []


def test_a_finding_moves_the_paid_amount_to_a_receivable(paid_june, centre, bob):
    finding = find("20.00", bob)
    paid = ledger.paid_account(paid_june.programme_id, centre.pk)
    assert (paid.balance, receivable_of(centre).balance) == (Decimal("30.00"), Decimal("20.00"))
    assert (finding.provider, finding.entry.kind, finding.entry.voucher) == (
        centre,
        "clawback",
        paid_june,
    )
    assert AuditEvent.objects.filter(action="finding.record").count() == 1
    assert_books_hold(paid_june.programme)


def test_the_next_statements_offset_the_receivable_to_the_fen(paid_june, centre, bob):
    find("20.00", bob)
    july = statement("2024-07", [usage(amount="30.10", month=7)], centre=centre, bob=bob)
    assert (july.total_subsidy, july.offset) == (Decimal("15.05"), Decimal("15.05"))
    assert receivable_of(centre).balance == Decimal("4.95")
    assert_books_hold(paid_june.programme)
    august = statement("2024-08", [usage(amount="100.00", month=8)], centre=centre, bob=bob)
    assert (august.total_subsidy, august.offset) == (Decimal("50.00"), Decimal("4.95"))
    assert Settlement.objects.get(pk=august.pk).offset == Decimal("4.95")
    assert receivable_of(centre).balance == Decimal("0.00")
    assert ledger.available_account(paid_june.programme).balance == (
        paid_june.programme.total_budget - paid_june.face_value + Decimal("20.00")
    )
    assert Recovery.objects.filter(kind="offset").count() == 2
    assert_books_hold(paid_june.programme)


def test_a_statement_without_a_receivable_offsets_nothing(paid_june, centre, bob):
    july = statement("2024-07", [usage(amount="30.00", month=7)], centre=centre, bob=bob)
    assert july.offset == Decimal("0.00")
    assert not Recovery.objects.exists()


def test_a_repayment_with_its_bank_reference(paid_june, centre, bob, fiona):
    find("20.00", bob)
    repaid = record_repayment(
        receivable=receivable_of(centre), amount="12.34", bank_reference="BOC-2024-0711",
        repaid_on=paid_june.valid_from, by=fiona,
    )  # fmt: skip
    assert (repaid.kind, repaid.entry.kind, repaid.entry.reference) == (
        "repayment",
        "repay",
        "BOC-2024-0711",
    )
    assert receivable_of(centre).balance == Decimal("7.66")
    assert_books_hold(paid_june.programme)


def test_a_repayment_above_what_is_outstanding_is_refused(paid_june, centre, bob, fiona):
    find("20.00", bob)
    with pytest.raises(DomainError) as refused:
        record_repayment(
            receivable=receivable_of(centre), amount="20.01", bank_reference="BOC-1",
            repaid_on=paid_june.valid_from, by=fiona,
        )  # fmt: skip
    assert (refused.value.field, refused.value.code) == ("amount", "above_outstanding")


def test_a_write_off_needs_a_second_finance_officer(paid_june, centre, bob, fiona, frank):
    find("20.00", bob)
    asked = request_write_off(
        receivable=receivable_of(centre), amount="20.00", reason="企业已注销", by=fiona
    )
    with pytest.raises(DomainError) as refused:
        confirm_write_off(write_off=asked, by=fiona)
    assert refused.value.code == "four_eyes"
    assert receivable_of(centre).balance == Decimal("20.00")
    confirm_write_off(write_off=asked, by=frank)
    assert receivable_of(centre).balance == Decimal("0.00")
    assert ledger.written_off_account(paid_june.programme_id).balance == Decimal("20.00")
    assert_books_hold(paid_june.programme)


def test_a_second_write_off_request_waits_for_the_first(paid_june, centre, bob, fiona, frank):
    find("20.00", bob)
    request_write_off(receivable=receivable_of(centre), amount="5.00", reason="部分", by=fiona)
    with pytest.raises(DomainError) as refused:
        request_write_off(receivable=receivable_of(centre), amount="5.00", reason="再次", by=frank)
    assert refused.value.code == "already_requested"


def test_a_reviewer_may_not_write_off_or_take_repayments(paid_june, centre, bob):
    find("20.00", bob)
    with pytest.raises(PermissionDenied):
        request_write_off(receivable=receivable_of(centre), amount="1.00", reason="x", by=bob)
    with pytest.raises(PermissionDenied):
        record_repayment(
            receivable=receivable_of(centre), amount="1.00", bank_reference="B",
            repaid_on=paid_june.valid_from, by=bob,
        )  # fmt: skip


def test_another_authoritys_officer_may_not_record_a_finding(paid_june, dave):
    with pytest.raises(PermissionDenied):
        find("20.00", dave)
    assert not Finding.objects.exists()


def test_a_finding_never_claws_back_more_than_was_paid(paid_june, bob):
    find("30.00", bob)
    with pytest.raises(DomainError) as refused:
        find("20.01", bob)
    assert (refused.value.field, refused.value.code) == ("amount", "above_paid")


def test_an_unpaid_redemption_is_corrected_not_clawed_back(paid_june, centre, bob):
    statement("2024-07", [usage(record_id="j", amount="30.00", month=7)], centre=centre, bob=bob)
    with pytest.raises(DomainError) as refused:
        find("1.00", bob, record_id="j")
    assert (refused.value.field, refused.value.code) == ("record", "not_paid")


def test_check_ledger_catches_a_tampered_receivable(paid_june, centre, bob):
    find("20.00", bob)
    from vouchers.models import LedgerAccount

    LedgerAccount.objects.filter(pk=receivable_of(centre).pk).update(balance=Decimal("25.00"))
    problems = check_ledger(programmes=[paid_june.programme]).problems
    assert problems[0] == f"account {receivable_of(centre).key}: balance 25.00, entries give 20.00"
    assert any("findings less recoveries give 20.00" in p for p in problems)


def test_check_ledger_catches_a_receivable_moved_without_a_finding(paid_june, centre, bob):
    find("20.00", bob)
    programme = paid_june.programme
    # Balance and entries agree; no finding stands behind the second claw-back.
    ledger.transfer(
        debit=ledger.paid_account(programme.pk, centre.pk), credit=receivable_of(centre),
        amount=Decimal("1.00"), kind="clawback", by=bob,
    )  # fmt: skip
    problems = check_ledger(programmes=[programme]).problems
    assert problems == [
        f"receivable {receivable_of(centre).key}: stored 21.00, findings less recoveries give 20.00"
    ]


def test_check_ledger_catches_a_payable_without_its_claim(paid_june, company, bob):
    programme = paid_june.programme
    ledger.transfer(
        debit=paid_june.reserve_account, credit=ledger.payable_account(programme.pk, company.pk),
        amount=Decimal("3.00"), kind="redeem", by=bob, voucher=paid_june,
    )  # fmt: skip
    problems = check_ledger(programmes=[programme]).problems
    assert (
        f"payable p{programme.pk}:payable:entity{company.pk}: stored 3.00, claims give 0.00"
        in problems
    )


def test_the_statement_page_and_csv_show_the_offset(paid_june, centre, bob):
    from django.urls import reverse

    from tests.authority.conftest import signed_in

    find("20.00", bob)
    july = statement("2024-07", [usage(amount="30.10", month=7)], centre=centre, bob=bob)
    client = signed_in(bob, language="en")
    page = client.get(reverse("authority:statement", args=[july.pk])).content.decode()
    assert "Offset against a claw-back" in page and "¥15.05" in page
    csv = client.get(reverse("authority:statement_csv", args=[july.pk]))
    last = (
        b"".join(csv.streaming_content if csv.streaming else [csv.content])
        .decode()
        .splitlines()[-1]
    )
    # A cell starting with "-" is formula-escaped, as every CSV of the platform does.
    assert "claw-back offset" in last and last.endswith(",'-15.05")
