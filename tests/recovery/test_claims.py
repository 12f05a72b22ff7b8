"""A paid reimburse claim found wrong: the entity owes it back, and its next claim in the
programme is offset when approved (the claim's `offset`; its payment is the rest)."""

from datetime import date
from decimal import Decimal

import pytest

from company.models import Claim
from company.services.claim_review import approve_claim
from company.services.claims import file_claim
from config.errors import DomainError
from recovery.services import record_finding
from tests import builders
from tests.company.conftest import PDF, upload
from tests.recovery.conftest import evidence
from vouchers.models import LedgerAccount, LedgerEntry
from vouchers.services import ledger
from vouchers.services.applications import approve_application
from vouchers.services.ledger_check import check_ledger


@pytest.fixture
def reimbursed(chengdu, alice, centre, company, bob):
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], code="reimburse-2024",
        settlement_mode="reimburse",
    )  # fmt: skip
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    return approve_application(application=application, by=bob).voucher


def filed(voucher, company, number: str, amount: str) -> Claim:
    return file_claim(
        entity=company, voucher=voucher, by=company.clerk, invoice_number=number,
        invoice_date=date(2024, 5, 31), invoice_amount=Decimal(amount) * 5, amount=Decimal(amount),
        service_start=date(2024, 5, 1), service_end=date(2024, 5, 31),
        invoice_file=upload("invoice.pdf", PDF), delivery_proof=upload("proof.pdf", PDF),
    )  # fmt: skip


def paid(claim: Claim, by) -> Claim:
    """As a payment batch pays it (payments/): payable -> paid for the whole amount
    approved (the cash and the offset), the claim PAID."""
    programme_id = claim.voucher.programme_id
    ledger.transfer(
        debit=ledger.payable_account(programme_id, claim.entity_id),
        credit=ledger.payee_account(programme_id, LedgerAccount.Kind.PAID, entity_id=claim.entity_id),
        amount=claim.approved_amount, kind=LedgerEntry.Kind.PAY, by=by,
    )  # fmt: skip
    claim.pay()
    claim.save(update_fields=["status"])
    return claim


def test_the_next_claim_is_offset_by_what_the_entity_owes(reimbursed, company, bob):
    first = paid(
        approve_claim(
            claim=filed(reimbursed, company, "FP-1", "1000.00"), amount="1000.00", by=bob
        ),
        bob,
    )
    finding = record_finding(
        claim=first, amount="333.33", reason="发票作废", evidence=evidence(), by=bob
    )
    assert (finding.entity, finding.receivable.balance) == (company, Decimal("333.33"))
    second = approve_claim(
        claim=filed(reimbursed, company, "FP-2", "200.00"), amount="200.00", by=bob
    )
    assert second.offset == Decimal("200.00")
    third = approve_claim(
        claim=filed(reimbursed, company, "FP-3", "500.00"), amount="500.00", by=bob
    )
    assert (Claim.objects.get(pk=third.pk).offset, finding.receivable.balance) == (
        Decimal("133.33"),
        Decimal("333.33"),
    )
    finding.receivable.refresh_from_db()
    assert finding.receivable.balance == Decimal("0.00")
    assert check_ledger(programmes=[reimbursed.programme]).problems == []


def test_an_unpaid_claim_is_not_clawed_back(reimbursed, company, bob):
    approved = approve_claim(
        claim=filed(reimbursed, company, "FP-1", "1000.00"), amount="1000.00", by=bob
    )
    with pytest.raises(DomainError) as refused:
        record_finding(claim=approved, amount="1.00", reason="x", evidence=evidence(), by=bob)
    assert (refused.value.field, refused.value.code) == ("claim", "not_paid")


def test_a_paid_claims_page_links_to_a_prefilled_finding(reimbursed, company, bob):
    from django.urls import reverse

    from tests.authority.conftest import signed_in

    first = paid(
        approve_claim(
            claim=filed(reimbursed, company, "FP-1", "1000.00"), amount="1000.00", by=bob
        ),
        bob,
    )
    page = signed_in(bob).get(reverse("authority:claim", args=[first.pk])).content.decode()
    link = f"{reverse('recovery:new_finding')}?claim={first.pk}"
    assert link in page
    assert signed_in(bob).get(link).context["form"].initial == {"claim": str(first.pk)}
