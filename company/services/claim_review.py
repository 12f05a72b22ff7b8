"""A reviewer's decision on a reimburse claim: approve an amount, return it with a
written request, or reject it with a reason.

An approval moves the amount from the voucher's reserve to the entity's payable account
with a redeem entry (a reimbursed claim is a redemption: the voucher's `redeemed` rises
with it), so the books still sum to the budget. The amount is at most what was claimed,
the programme's rate of the invoice and what the voucher has left after its other open
claims, read under the voucher's row lock.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.permissions import require
from audit import actions
from audit import services as audit
from company.models import Claim
from company.services.claims import OPEN
from config.errors import DomainError, clean_text
from recovery import services as recovery
from vouchers.models import LedgerEntry, Voucher
from vouchers.money import parse_yuan, share_of
from vouchers.selectors import lock_voucher
from vouchers.services import ledger


def claimable_maximum(claim: Claim, voucher: Voucher) -> Decimal:
    """The most a reviewer may approve: the claim, the rate of its invoice, and the
    voucher's remainder after its other open claims."""
    others = (
        Claim.objects.filter(voucher=voucher, status__in=OPEN)
        .exclude(pk=claim.pk)
        .values_list("amount", flat=True)
    )
    left = voucher.remaining - sum(others, Decimal("0.00"))
    return max(min(claim.amount, share_of(claim.invoice_amount, voucher.rate), left), 0)


def approve_claim(*, claim: Claim, amount, by) -> Claim:
    approved = parse_yuan(amount, field="amount")
    if approved <= 0:
        raise DomainError("amount", "批准金额须大于零", "the amount approved must be positive")
    require(by, "company.review_claim", claim)
    with transaction.atomic():
        # The voucher's lock first (lock order), then the claim: a second reviewer
        # deciding the same claim waits here and then finds it decided.
        voucher = lock_voucher(voucher=claim.voucher)
        claim = _locked_open(claim)
        _require_active(voucher)
        most = claimable_maximum(claim, voucher)
        if approved > most:
            raise DomainError(
                "amount",
                f"批准金额不得超过可批准的最高金额 {most}",
                f"the amount exceeds the most that may be approved, {most}",
                code="above_maximum",
            )
        ledger.transfer(
            debit=voucher.reserve_account,
            credit=ledger.payable_account(voucher.programme_id, claim.entity_id),
            amount=approved,
            kind=LedgerEntry.Kind.REDEEM,
            by=by,
            voucher=voucher,
            reference=f"claim:{claim.pk}",
        )
        if voucher.remaining == 0:
            voucher.exhaust()
            voucher.save(update_fields=["status"])
        before = claim.status
        claim.approve()
        claim.approved_amount = approved
        # The entity's claw-back receivable, if any, is recovered from this claim.
        claim.offset = recovery.offset_claim(claim, by)
        _decided(claim, by, note="", action=actions.CLAIM_APPROVED, before=before)
    return claim


def return_claim(*, claim: Claim, request: str, by) -> Claim:
    """Back to the company with a written request of what to correct."""
    return _close(claim, by, note=request, field="request", transition=Claim.return_for_changes)


def reject_claim(*, claim: Claim, reason: str, by) -> Claim:
    return _close(claim, by, note=reason, field="reason", transition=Claim.reject)


def _close(claim: Claim, by, *, note: str, field: str, transition) -> Claim:
    note = clean_text((note or "").strip(), field=field)
    if not note:
        raise DomainError(field, "请填写审核意见", "write what the company should know")
    require(by, "company.review_claim", claim)
    with transaction.atomic():
        claim = _locked_open(claim)
        before = claim.status
        transition(claim)
        action = actions.CLAIM_BY_STATUS[claim.status]
        _decided(claim, by, note=note, action=action, before=before)
    return claim


def _locked_open(claim: Claim) -> Claim:
    locked = (
        Claim.objects.select_for_update(of=("self",)).select_related("voucher").get(pk=claim.pk)
    )
    if locked.status not in (Claim.Status.SUBMITTED, Claim.Status.VERIFIED):
        raise DomainError(
            "status", "该报销申请已处理", f"the claim is already {locked.status}", code="bad_state"
        )
    return locked


def _require_active(voucher: Voucher) -> None:
    if voucher.status != Voucher.Status.ACTIVE:
        raise DomainError(
            "voucher",
            "券不在有效状态",
            f"the voucher is {voucher.status}, not active",
            code="bad_state",
        )


def _decided(claim: Claim, by, *, note: str, action: str, before: str) -> None:
    claim.decided_by, claim.decided_at, claim.decision_note = by, timezone.now(), note
    claim.save(
        update_fields=[
            "status",
            "approved_amount",
            "offset",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
    )
    audit.record(
        actor=by,
        action=action,
        obj=claim,
        programme=claim.voucher.programme_id,
        before={"status": before},
        after={"status": claim.status, "amount": claim.approved_amount, "note": note},
    )
