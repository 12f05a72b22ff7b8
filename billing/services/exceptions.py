"""A reviewer resolves a reconciliation exception: accept (the record is applied to its
voucher, row-at-a-time under the voucher's lock) or reject (it is dropped). Audited.

A `clawback_needed` correction (it takes back more subsidy than the provider's redeemed
account held when it was reconciled) is kept simple for now: accepting it applies the
take-back only if the redeemed account can absorb it now (e.g. new, unpaid redemptions
arrived), otherwise it is refused with the reason; rejecting drops it. The real claw-back
from the provider (追回) is a later flow. Lock order: voucher, its reserve, then the
provider's redeemed account.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.permissions import require
from audit import actions
from audit import services as audit
from billing.models import ReconciliationException, UsageRecord
from config.errors import DomainError
from vouchers.models import LedgerAccount, LedgerEntry, Voucher
from vouchers.models.fields import MoneyField
from vouchers.money import share_of
from vouchers.selectors import lock_voucher
from vouchers.services import ledger

ZERO = Decimal("0.00")

Decision = ReconciliationException.Status
Reason = ReconciliationException.Reason


def resolve_exception(*, exception: ReconciliationException, decision: str, by, note: str = ""):
    """Accept or reject an open exception. Returns the exception as decided."""
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise DomainError(
            "decision", "决定须为 accepted 或 rejected", "decision must be accepted or rejected"
        )
    require(by, "billing.resolve_exception", exception)
    with transaction.atomic():
        # Lock order: the voucher row first, as every voucher operation does.
        record = exception.record
        voucher = lock_voucher(voucher=record.voucher) if record.voucher_id else None
        exception = ReconciliationException.objects.select_for_update().get(pk=exception.pk)
        record = UsageRecord.objects.select_for_update().get(pk=exception.record_id)
        if exception.status != Decision.OPEN:
            raise DomainError(
                "status",
                "该异常已处理",
                f"the exception is already {exception.status}",
                code="bad_state",
            )
        if decision == Decision.ACCEPTED and exception.reason == Reason.CLAWBACK_NEEDED:
            _apply_take_back(record, voucher, by)
        elif decision == Decision.ACCEPTED:
            _apply(record, voucher, by)
        else:
            record.status = UsageRecord.Status.REJECTED
            record.save(update_fields=["status"])
        _decide(exception, decision, by, note, voucher)
    return exception


def _decide(exception, decision, by, note, voucher) -> None:
    if decision == Decision.ACCEPTED:
        exception.accept()
    else:
        exception.reject()
    exception.decided_by, exception.note = by, note
    exception.decided_at = timezone.now()
    exception.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit.record(
        actor=by,
        action=actions.USAGE_EXCEPTION_BY_DECISION[decision],
        obj=exception,
        programme=voucher.programme_id if voucher else None,
        before={"status": Decision.OPEN, "reason": exception.reason},
        after={"status": decision, "record": exception.record.record_id, "note": note},
    )


def _apply(record: UsageRecord, voucher: Voucher | None, by) -> None:
    """Redeem the record on its voucher: rate x amount rounded down, up to what is left."""
    if voucher is None or record.corrects:
        raise DomainError(
            "decision",
            "该记录没有可核销的券，只能驳回",
            "this record has no voucher it could be applied to; it can only be rejected",
            code="not_applicable",
        )
    subsidy = min(share_of(record.amount, voucher.rate), voucher.remaining)
    _redeem(record, voucher, subsidy, by)


def _apply_take_back(record: UsageRecord, voucher: Voucher, by) -> None:
    """Apply a `clawback_needed` correction as the pipeline would have (what the corrected
    amount earns less what the original and its corrections earned), if the provider's
    redeemed account can give the take-back now; refuse otherwise."""
    so_far = UsageRecord.objects.filter(
        Q(record_id=record.corrects) | Q(corrects=record.corrects),
        provider_id=record.provider_id,
        status=UsageRecord.Status.REDEEMED,
    ).aggregate(
        earned=Coalesce(Sum("subsidy"), Value(ZERO), output_field=MoneyField()),
        # The original's amount plus each correction's change to it.
        billed=Coalesce(
            Sum(Case(When(corrects="", then=F("amount")), default=F("billed_change"))),
            Value(ZERO),
            output_field=MoneyField(),
        ),
    )
    earned = so_far["earned"]
    subsidy = min(share_of(record.amount, voucher.rate), voucher.remaining + earned) - earned
    LedgerAccount.objects.select_for_update().get(pk=voucher.reserve_account.pk)
    redeemed = ledger.redeemed_account(voucher.programme_id, voucher.provider_id)
    redeemed = LedgerAccount.objects.select_for_update().get(pk=redeemed.pk)
    if -subsidy > redeemed.balance:
        raise DomainError(
            "decision",
            f"服务商已核销账户余额 {redeemed.balance} 元，不足以退回 {-subsidy} 元；"
            "需向服务商追回（追回流程尚未提供），现只能驳回或稍后再接受",
            f"the provider's redeemed account holds {redeemed.balance} yuan, less than the "
            f"{-subsidy} yuan to take back: it needs a claw-back from the provider (not yet "
            "available); reject it, or accept it later",
            code="clawback_needed",
        )
    record.billed_change = record.amount - so_far["billed"]
    _redeem(record, voucher, subsidy, by)


def _redeem(record: UsageRecord, voucher: Voucher, subsidy: Decimal, by) -> None:
    """Record `subsidy` (negative for a take-back) on the record, its voucher and the
    ledger: reserve -> the provider's redeemed account, or back."""
    run = f"exception-{record.pk}"
    record.status, record.subsidy, record.reconcile_run = UsageRecord.Status.REDEEMED, subsidy, run
    record.reconciled_at = timezone.now()
    record.save(
        update_fields=["status", "subsidy", "billed_change", "reconcile_run", "reconciled_at"]
    )
    if subsidy == 0:
        return
    before = {"redeemed": voucher.redeemed, "status": voucher.status}
    reserve = voucher.reserve_account
    redeemed = ledger.redeemed_account(voucher.programme_id, voucher.provider_id)
    # A take-back is an entry of its own kind, the other way; the ledger moves
    # voucher.redeemed with either.
    if subsidy > 0:
        debit, credit, kind = reserve, redeemed, LedgerEntry.Kind.REDEEM
    else:
        debit, credit, kind = redeemed, reserve, LedgerEntry.Kind.TAKE_BACK
    ledger.transfer(
        debit=debit,
        credit=credit,
        amount=abs(subsidy),
        kind=kind,
        by=by,
        voucher=voucher,
        reference=f"reconcile:{run}",
    )
    if voucher.remaining == 0 and voucher.status == Voucher.Status.ACTIVE:
        voucher.exhaust()
        voucher.save(update_fields=["status"])
    audit.record(
        actor=by, action=actions.VOUCHER_REDEEM, obj=voucher, programme=voucher.programme,
        before=before, after={"redeemed": voucher.redeemed, "status": voucher.status, "record": record.record_id},
    )  # fmt: skip
