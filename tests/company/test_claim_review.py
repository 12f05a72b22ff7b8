"""A reviewer decides a reimburse claim: approves an amount within every limit (the
amount moves from the voucher's reserve to the entity's payable), returns it with a
request, or rejects it with a reason; only a reviewer of the programme's authority who
does not act for the entity may."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Membership
from audit.models import AuditEvent
from company.models import Claim, Notification
from company.services.claim_review import approve_claim, reject_claim, return_claim
from company.services.claims import file_claim
from company.services.notifications import scan_audit_trail
from config.errors import DomainError
from tests.company.conftest import upload
from tests.company.test_claims import claim_fields
from vouchers.models import LedgerAccount
from vouchers.services.ledger_check import check_ledger
from vouchers.services.redemption import redeem

pytestmark = pytest.mark.django_db


def payable() -> LedgerAccount:
    return LedgerAccount.objects.get(kind=LedgerAccount.Kind.PAYABLE)


def test_an_approved_claim_moves_its_amount_to_the_entitys_payable(claim, voucher, bob):
    approve_claim(claim=claim, amount="4000.00", by=bob)
    claim.refresh_from_db()
    voucher.refresh_from_db()
    assert (claim.status, claim.approved_amount, claim.decided_by) == ("approved", 4000, bob)
    assert voucher.redeemed == Decimal("9000.00")  # 5,000 redeemed before + 4,000
    account = payable()
    assert account.key.endswith(f"payable:entity{claim.entity_id}")
    assert account.balance == Decimal("4000.00")
    assert check_ledger(programmes=[voucher.programme]).problems == []
    event = AuditEvent.objects.get(action="claim.approved", object_id=str(claim.pk))
    assert event.after["status"] == "approved"


def test_an_approval_is_at_most_what_was_claimed(claim, bob):
    with pytest.raises(DomainError) as refused:
        approve_claim(claim=claim, amount="5000.01", by=bob)
    assert (refused.value.field, refused.value.code) == ("amount", "above_maximum")
    assert "5000.00" in refused.value.en
    assert not LedgerAccount.objects.filter(kind=LedgerAccount.Kind.PAYABLE).exists()


def test_an_approval_is_at_most_the_rate_of_the_invoice(claim, bob):
    # Claimed within the rate at filing; the limit is read again at approval.
    Claim.objects.filter(pk=claim.pk).update(invoice_amount=Decimal("9000.00"))
    with pytest.raises(DomainError) as refused:
        approve_claim(claim=claim, amount="5000.00", by=bob)
    assert "4500.00" in refused.value.en
    approve_claim(claim=claim, amount="4500.00", by=bob)


def test_an_approval_is_at_most_what_the_voucher_has_left_after_other_open_claims(
    claim, voucher, company, clerk, bob, centre_engineer
):
    # 45,000 left less this claim's 5,000: another claim takes the other 40,000, then the
    # provider redeems 2,000 more, so 3,000 is all this claim may still get.
    other = claim_fields(
        invoice_number="FP-9", invoice_amount=Decimal("90000.00"), amount=Decimal("40000.00")
    )
    file_claim(entity=company, voucher=voucher, by=clerk, **other)
    redeem(voucher=voucher, billed_amount=Decimal("4000.00"), by=centre_engineer)
    with pytest.raises(DomainError) as refused:
        approve_claim(claim=claim, amount="3000.01", by=bob)
    assert refused.value.code == "above_maximum"
    assert "3000.00" in refused.value.en
    approve_claim(claim=claim, amount="3000.00", by=bob)
    assert check_ledger(programmes=[voucher.programme]).problems == []


def test_a_decided_claim_is_not_decided_again(claim, bob, carol):
    reject_claim(claim=claim, reason="发票与合同不符", by=bob)
    with pytest.raises(DomainError) as refused:
        approve_claim(claim=claim, amount="100.00", by=carol)
    assert refused.value.code == "bad_state"


def test_a_claim_is_returned_with_a_request_and_rejected_with_a_reason(claim, bob):
    return_claim(claim=claim, request="请补充付款凭证", by=bob)
    claim.refresh_from_db()
    assert (claim.status, claim.decision_note) == ("returned", "请补充付款凭证")
    assert AuditEvent.objects.filter(action="claim.returned").exists()


def test_a_return_needs_its_request(claim, bob):
    with pytest.raises(DomainError) as refused:
        return_claim(claim=claim, request="  ", by=bob)
    assert refused.value.field == "request"


@pytest.mark.parametrize("who", ["alice", "dave", "clerk"])
def test_only_a_reviewer_of_the_programmes_authority_decides(claim, who, request):
    with pytest.raises(PermissionDenied):
        approve_claim(claim=claim, amount="100.00", by=request.getfixturevalue(who))
    with pytest.raises(PermissionDenied):
        reject_claim(claim=claim, reason="no", by=request.getfixturevalue(who))


def test_a_superuser_without_membership_is_refused(claim, django_user_model):
    olivia = django_user_model.objects.create_superuser("olivia", "olivia@example.com", "pass")
    with pytest.raises(PermissionDenied):
        approve_claim(claim=claim, amount="100.00", by=olivia)


def test_a_reviewer_who_acts_for_the_entity_is_refused(claim, bob, company, django_user_model):
    Membership.objects.create(user=bob, role=Membership.Role.ENTITY_STAFF, entity=company)
    bob = django_user_model.objects.get(pk=bob.pk)  # memberships are cached per user object
    with pytest.raises(PermissionDenied):
        approve_claim(claim=claim, amount="100.00", by=bob)


def test_the_company_inbox_shows_the_decision(claim, bob, clerk):
    reject_claim(claim=claim, reason="发票与合同不符", by=bob)
    scan_audit_trail()
    note = Notification.objects.get(user=clerk, event__action="claim.rejected")
    assert note.subject_en == f"Claim #{claim.pk} is now rejected"
    assert note.subject_zh == f"报销申请 #{claim.pk} 状态变更：已驳回"
    assert note.body == "发票与合同不符"


def test_the_company_sees_each_step_on_its_claim_page_and_inbox(claim, bob, as_clerk, as_clerk_en):
    return_claim(claim=claim, request="请补充付款凭证", by=bob)
    page = as_clerk.get(f"/company/claims/{claim.pk}/").content.decode()
    assert "提交报销" in page and "报销退回补正" in page and "请补充付款凭证" in page
    page = as_clerk_en.get(f"/company/claims/{claim.pk}/").content.decode()
    assert "claim returned for correction" in page
    scan_audit_trail()
    inbox = as_clerk_en.get("/company/inbox/").content.decode()
    assert f"Claim #{claim.pk} is now returned" in inbox


def test_the_approved_amount_shows_on_the_company_claim_page(claim, bob, as_clerk):
    approve_claim(claim=claim, amount="4000.00", by=bob)
    page = as_clerk.get(f"/company/claims/{claim.pk}/").content.decode()
    assert "¥4,000.00" in page and "报销批准" in page


def test_a_returned_claim_is_corrected_and_submitted_again(claim, bob, as_clerk):
    return_claim(claim=claim, request="金额应按发票的 40% 计算", by=bob)
    page = as_clerk.get(f"/company/claims/{claim.pk}/")
    assert page.context["can_resubmit"]
    answer = as_clerk.post(
        f"/company/claims/{claim.pk}/resubmit/",
        {"amount": "4000.00", "invoice_file": upload("new-invoice.pdf")},
    )
    assert answer.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.amount, claim.decision_note) == ("submitted", 4000, "")
    assert "new-invoice" in claim.invoice_file.name
    approve_claim(claim=claim, amount="4000.00", by=bob)


def test_a_resubmission_is_held_to_the_limits_and_only_once_returned(claim, bob, as_clerk_en):
    url = f"/company/claims/{claim.pk}/resubmit/"
    assert as_clerk_en.post(url, {"amount": "100.00"}).status_code == 400  # not returned
    return_claim(claim=claim, request="请核对金额", by=bob)
    answer = as_clerk_en.post(url, {"amount": "5000.01"})  # above 50% of 10,000.00
    assert answer.status_code == 400
    assert "the programme&#x27;s share of the invoice, 5000.00" in answer.content.decode()
    claim.refresh_from_db()
    assert (claim.status, claim.amount) == ("returned", 5000)
