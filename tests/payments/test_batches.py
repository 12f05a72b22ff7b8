"""Four-eyes payment batches through the services: prepared by one finance officer,
approved by another, paid with a bank reference per line; the claim's payable and the
statement's redeemed amount move to the payees' paid accounts; each refusal."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from billing.models import Settlement
from company.models import Claim, Notification
from company.services.notifications import scan_audit_trail
from config.errors import DomainError
from payments.models import PaymentBatch, PaymentLine
from payments.services import batches
from payments.services.bank_details import change_bank_details
from tests.payments.conftest import PAID_ON, references_for
from vouchers.models import LedgerAccount, LedgerEntry
from vouchers.services import ledger
from vouchers.services.ledger_check import check_ledger

pytestmark = pytest.mark.django_db


def balance(key_end: str) -> Decimal:
    return LedgerAccount.objects.get(key__endswith=key_end).balance


def test_a_claim_and_a_statement_go_from_approved_to_paid(
    approved, approved_claim, statement, fiona, frank, company, centre, clerk
):
    batches.pay_batch(batch=approved, references=references_for(approved), by=fiona)

    claim = Claim.objects.get(pk=approved_claim.pk)
    settled = Settlement.objects.get(pk=statement.pk)
    assert (claim.status, settled.status, settled.paid_by) == ("paid", "paid", frank)
    assert claim.paid_at is not None
    programme_id = claim.voucher.programme_id
    assert ledger.payable_account(programme_id, company.pk).balance == 0
    assert balance(f"p{programme_id}:paid:entity{company.pk}") == Decimal("4000.00")
    assert ledger.redeemed_account(statement.programme_id, centre.pk).balance == 0
    assert ledger.paid_account(statement.programme_id, centre.pk).balance == Decimal("50.00")
    assert check_ledger().problems == []
    batch = PaymentBatch.objects.get(pk=approved.pk)
    assert (batch.status, batch.paid_by, batch.total_net) == ("paid", fiona, Decimal("4050.00"))
    line = batch.lines.get(claim=claim)
    assert (line.bank_reference, line.paid_on) == (f"BANK-{line.pk:06d}", PAID_ON)
    assert AuditEvent.objects.filter(action="claim.paid", object_id=str(claim.pk)).exists()
    scan_audit_trail()
    assert Notification.objects.filter(user=clerk, event__action="claim.paid").exists()


def test_the_lines_carry_gross_offset_and_net_and_the_books_are_emptied(
    approved_claim, statement, bank_details, chengdu, fiona, frank, company
):
    # A claw-back receivable took 1,000 of the claim when it was approved (recovery/).
    Claim.objects.filter(pk=approved_claim.pk).update(offset=Decimal("1000.00"))
    batch = batches.prepare_batch(authority=chengdu, by=fiona)
    line = batch.lines.get(claim=approved_claim)
    assert (line.gross, line.offset, line.net) == (Decimal("4000.00"), 1000, Decimal("3000.00"))
    assert batch.total_net == Decimal("3050.00")

    batches.approve_batch(batch=batch, by=frank)
    batches.pay_batch(batch=batch, references=references_for(batch), by=fiona)
    programme_id = approved_claim.voucher.programme_id
    assert ledger.payable_account(programme_id, company.pk).balance == 0
    cash = LedgerEntry.objects.get(reference=f"payment:{line.pk}")
    assert cash.amount == Decimal("3000.00")


def test_the_officer_who_prepared_a_batch_cannot_approve_it(prepared, fiona):
    with pytest.raises(DomainError) as refused:
        batches.approve_batch(batch=prepared, by=fiona)
    assert (refused.value.field, refused.value.code) == ("approved_by", "four_eyes")
    assert PaymentBatch.objects.get(pk=prepared.pk).status == "prepared"


def test_the_database_refuses_a_batch_approved_by_its_preparer(prepared, fiona):
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentBatch.objects.filter(pk=prepared.pk).update(approved_by=fiona)


def test_the_officer_who_approved_a_statement_cannot_approve_its_payment(
    statement, bank_details, chengdu, fiona, frank
):
    Settlement.objects.filter(pk=statement.pk).update(approved_by=fiona)  # fiona approved it
    batch = batches.prepare_batch(authority=chengdu, by=frank)
    with pytest.raises(DomainError) as refused:
        batches.approve_batch(batch=batch, by=fiona)
    assert refused.value.code == "four_eyes"


@pytest.mark.parametrize("step", ["prepare", "approve", "pay"])
def test_a_reviewer_and_another_authoritys_finance_officer_are_refused(
    step, prepared, approved_claim, chengdu, bob, harry, frank
):
    calls = {
        "prepare": lambda by: batches.prepare_batch(authority=chengdu, by=by),
        "approve": lambda by: batches.approve_batch(batch=prepared, by=by),
        "pay": lambda by: batches.pay_batch(batch=prepared, references={}, by=by),
    }
    for who in (bob, harry):
        with pytest.raises(PermissionDenied):
            calls[step](who)
    assert PaymentBatch.objects.get(pk=prepared.pk).status == "prepared"


def test_a_claim_on_an_open_batch_is_not_put_on_another(prepared, approved_claim, chengdu, frank):
    with pytest.raises(DomainError) as refused:
        batches.prepare_batch(authority=chengdu, by=frank)
    assert refused.value.code == "nothing_to_pay"
    with pytest.raises(DomainError) as named:
        batches.prepare_batch(authority=chengdu, by=frank, claim_ids=[approved_claim.pk])
    assert (named.value.field, named.value.code) == ("claims", "not_payable")
    assert f"#{approved_claim.pk}" in named.value.en


def test_the_database_keeps_a_claim_on_one_live_line(prepared, approved_claim, chengdu, frank):
    other = PaymentBatch.objects.create(authority=chengdu, prepared_by=frank)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.create(
            batch=other, programme_id=approved_claim.voucher.programme_id, claim=approved_claim,
            entity_id=approved_claim.entity_id, payee="x", gross=1, net=1,
        )  # fmt: skip


def test_a_rejected_batch_frees_its_lines_for_another(prepared, approved_claim, chengdu, frank):
    batches.reject_batch(batch=prepared, by=frank, reason="金额待核")
    again = batches.prepare_batch(authority=chengdu, by=frank)
    assert again.lines.filter(claim=approved_claim).exists()


def test_approval_needs_every_payees_bank_details(approved_claim, chengdu, fiona, frank):
    batch = batches.prepare_batch(authority=chengdu, by=fiona)
    with pytest.raises(DomainError) as refused:
        batches.approve_batch(batch=batch, by=frank)
    assert refused.value.code == "no_bank_details"
    assert approved_claim.entity.name in refused.value.en


def test_the_batch_pays_the_bank_details_as_they_stood_at_approval(
    approved, approved_claim, company, clerk
):
    change_bank_details(
        payee=company, account_name="别的户名", bank_name="别的银行",
        account_number="9999 8888 7777 6666", by=clerk,
    )  # fmt: skip
    line = approved.lines.get(claim=approved_claim)
    assert (line.account_name, line.account_number) == ("成都星河科技有限公司", "6222021001001234")
    from payments.selectors import payment_file_rows

    row = next(r for r in payment_file_rows(approved) if r["line"] == line.pk)
    assert (row["account"], row["bank"], row["amount"]) == (
        "6222021001001234", "工商银行成都高新支行", "4000.00",
    )  # fmt: skip


def test_paying_needs_a_reference_and_date_for_every_line(approved, fiona, company):
    references = references_for(approved)
    references.popitem()
    with pytest.raises(DomainError) as refused:
        batches.pay_batch(batch=approved, references=references, by=fiona)
    assert (refused.value.field, refused.value.code) == ("references", "missing_reference")
    assert PaymentBatch.objects.get(pk=approved.pk).status == "approved"
    assert not LedgerEntry.objects.filter(kind="pay").exists()


def test_a_paid_batch_is_not_paid_again(approved, fiona):
    batches.pay_batch(batch=approved, references=references_for(approved), by=fiona)
    with pytest.raises(DomainError) as refused:
        batches.pay_batch(batch=approved, references=references_for(approved), by=fiona)
    assert refused.value.code == "bad_state"
    assert LedgerEntry.objects.filter(kind="pay").count() == 2


def test_pasted_references_are_read_line_by_line():
    text = "12, B-1\n#13\tB-2\t2024-05-31\n\n14，B-3"
    assert batches.parse_references(text, default_date=PAID_ON) == {
        12: ("B-1", PAID_ON), 13: ("B-2", PAID_ON.replace(day=31, month=5)), 14: ("B-3", PAID_ON),
    }  # fmt: skip
    with pytest.raises(DomainError) as refused:
        batches.parse_references("12\nx, B-2", default_date=PAID_ON)
    assert "1, 2" in refused.value.en
