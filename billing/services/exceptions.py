"""A reviewer resolves a reconciliation exception: accept (the record is applied to its
voucher, row-at-a-time under the voucher's lock) or reject (it is dropped). Audited.

A `clawback_needed` correction (it takes back more subsidy than the provider's redeemed
account held when it was reconciled): accepting it applies the take-back if the redeemed
account can absorb it now (e.g. new, unpaid redemptions arrived), otherwise it is refused
with the reason; rejecting drops it. Or an officer claws the amount back from the
provider (追回, recovery/): the finding closes the case as accepted (`close_by_finding`),
and the correction stays out of the statements, since the receivable recovers its money.
Lock order: voucher, its reserve, then the provider's redeemed account.
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


def take_back_of(record: UsageRecord, voucher: Voucher) -> tuple[Decimal, Decimal]:
    """What a correction changes, as the pipeline would have applied it: the subsidy
    (what the corrected amount earns less what the original and its corrections earned;
    negative for a take-back) and the billed amount."""
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
    # A FOCUS delta carries the change, not the corrected total (billing/corrections.py).
    amount = so_far["billed"] + record.amount if record.delta else record.amount
    subsidy = min(share_of(amount, voucher.rate), voucher.remaining + earned) - earned
    return subsidy, amount - so_far["billed"]


def clawback_amount(exception: ReconciliationException) -> Decimal:
    """What a `clawback_needed` correction takes back: the amount a finding claws back."""
    record = exception.record
    return max(-take_back_of(record, record.voucher)[0], ZERO)


def close_by_finding(*, exception: ReconciliationException, finding, by) -> None:
    """Close an open `clawback_needed` case with the claw-back finding that recovers its
    take-back (recovery/services.py, inside its transaction)."""
    exception = ReconciliationException.objects.select_for_update().get(pk=exception.pk)
    record, original = exception.record, finding.record
    about = original and (original.provider_id, original.record_id) == (
        record.provider_id,
        record.corrects,
    )
    if exception.status != Decision.OPEN or exception.reason != Reason.CLAWBACK_NEEDED or not about:
        raise DomainError(
            "exception", "该异常不是此核销记录待处理的追回异常",
            "the exception is not an open claw-back case of this redemption",
            code="bad_state",
        )  # fmt: skip
    _decide(exception, Decision.ACCEPTED, by, f"finding:{finding.pk}", record.voucher)


def _apply_take_back(record: UsageRecord, voucher: Voucher, by) -> None:
    """Apply a `clawback_needed` correction if the provider's redeemed account can give
    the take-back now; refuse otherwise."""
    subsidy, billed_change = take_back_of(record, voucher)
    LedgerAccount.objects.select_for_update().get(pk=voucher.reserve_account.pk)
    redeemed = ledger.redeemed_account(voucher.programme_id, voucher.provider_id)
    redeemed = LedgerAccount.objects.select_for_update().get(pk=redeemed.pk)
    if -subsidy > redeemed.balance:
        raise DomainError(
            "decision",
            f"服务商已核销账户余额 {redeemed.balance} 元，不足以退回 {-subsidy} 元；"
            "请在追回页面登记追回认定，或驳回、稍后再接受",
            f"the provider's redeemed account holds {redeemed.balance} yuan, less than the "
            f"{-subsidy} yuan to take back: record a claw-back finding on the claw-back page, "
            "reject it, or accept it later",
            code="clawback_needed",
        )
    record.billed_change = billed_change
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
