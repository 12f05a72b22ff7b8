"""`make demo` lets the finance officers do the money-out job out of the box: in Beijing
(reimburse) and Chengdu (provider deducts) <prefix>-finance prepares a batch of what
waits, <prefix>-finance2 approves it and pays it, and the books hold. Both commands run
twice without failing."""

from io import StringIO

from django.core.management import call_command

from accounts.models import Authority, Entity, Provider, User
from billing.models import Settlement
from company.models import Claim
from payments.models import BankDetails, PaymentBatch
from payments.services import batches
from vouchers.services.ledger_check import check_ledger

from .conftest import references_for


def make_demo() -> str:
    printed = StringIO()
    call_command("load_demo", stdout=printed)
    call_command("company_demo", stdout=StringIO())
    return printed.getvalue()


def pay_what_waits(prefix: str) -> PaymentBatch:
    preparer, approver = (
        User.objects.get(username=f"{prefix}-{s}") for s in ("finance", "finance2")
    )
    authority = Authority.objects.get(membership__user=preparer)
    batch = batches.prepare_batch(authority=authority, by=preparer)
    batch = batches.approve_batch(batch=batch, by=approver)
    return batches.pay_batch(batch=batch, references=references_for(batch), by=approver)


def test_the_demo_officers_prepare_approve_and_pay_a_batch_of_each_kind(db):
    make_demo()
    printed = make_demo()
    assert "<prefix>-finance prepares a batch, <prefix>-finance2 approves and pays it" in printed
    assert BankDetails.objects.filter(entity__isnull=False).count() == Entity.objects.count()
    assert BankDetails.objects.filter(provider__isnull=False).count() == Provider.objects.count()

    beijing = pay_what_waits("beijing")
    chengdu = pay_what_waits("chengdu")

    claim = Claim.objects.get(payment_lines__batch=beijing)
    assert claim.status == Claim.Status.PAID and claim.voucher.programme.code.startswith("beijing")
    statement = Settlement.objects.get(payment_lines__batch=chengdu)
    assert statement.status == Settlement.Status.PAID and statement.provider.slug == "nsc-cd"
    assert beijing.lines.get().account_number and chengdu.lines.get().account_number
    assert check_ledger().problems == []
