"""Claw-back (追回): record a finding, recover its receivable (offset, repayment) or
write it off. Every amount moves through vouchers/services/ledger.py; see recovery/models.py
for the states and the invariant.

A finding is only about money already paid. A redemption still on an unpaid statement is
corrected by the provider's usage correction (a take-back, billing/corrections.py) before
the statement is paid, so a finding on it is refused and says so: there is nothing to
recover from the provider yet.

Lock order (after whatever the caller holds: a statement, or a voucher and its claim):
the finding's source row, then the ledger accounts a transfer touches (its UPDATEs take
their row locks), the receivable first when it is read for an amount.
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.permissions import require
from audit import actions
from audit import services as audit
from billing.models import Settlement, UsageRecord
from billing.services.exceptions import close_by_finding
from company.models import Claim
from config.errors import DomainError, clean_text
from recovery.models import Finding, Recovery, WriteOff
from vouchers.models import LedgerAccount, LedgerEntry
from vouchers.money import from_db, parse_yuan
from vouchers.services import ledger

ZERO = Decimal("0.00")
Kind = LedgerAccount.Kind


def record_finding(
    *, amount, reason: str, evidence, by, record: UsageRecord | None = None,
    claim: Claim | None = None, exception=None,
) -> Finding:  # fmt: skip
    """Claw back `amount` paid for `record` (a redemption on a paid statement) or `claim`
    (a paid claim): paid(payee) -> receivable(payee). `exception`, a `clawback_needed`
    case about `record`, is resolved by it."""
    amount = _positive(amount)
    reason = _reason(reason)
    if not evidence:
        raise DomainError("evidence", "请上传证据材料", "attach the evidence", code="required")
    source = record or claim
    if source is None:
        raise DomainError("source", "请指明追回对象", "name the redemption or claim to claw back")
    programme = source.voucher.programme
    require(by, "recovery.record_finding", programme)
    with transaction.atomic():
        source = type(source).objects.select_for_update().get(pk=source.pk)
        paid, payee = _paid_source(source)
        _within(source, amount, paid)
        finding = _claw_back(source, payee, amount, reason, evidence, by, exception)
        if exception is not None:
            close_by_finding(exception=exception, finding=finding, by=by)
    return finding


def _paid_source(source) -> tuple[Decimal, dict]:
    """What was paid for the source, and its payee (as Finding fields); refused if unpaid."""
    if isinstance(source, Claim):
        if source.status != Claim.Status.PAID:
            raise DomainError(
                "claim", "该报销申请尚未付款，无需追回", "the claim is not paid: there is nothing to claw back",
                code="not_paid",
            )  # fmt: skip
        return source.approved_amount, {"entity_id": source.entity_id}
    line = getattr(source, "settlement_line", None)
    if (
        source.status != UsageRecord.Status.REDEEMED
        or source.subsidy is None
        or source.subsidy <= 0
    ):
        raise DomainError(
            "record", "该用量记录没有核销补贴", "the usage record redeemed no subsidy", code="not_redeemed"
        )  # fmt: skip
    if line is None or line.settlement.status != Settlement.Status.PAID:
        raise DomainError(
            "record",
            "该核销所在结算单尚未付款：请由服务商在付款前提交更正记录，无需追回",
            "the redemption is on no paid statement yet: the provider corrects it with a usage "
            "correction before the statement is paid; there is nothing to claw back",
            code="not_paid",
        )
    return source.subsidy, {"provider_id": source.provider_id}


def _within(source, amount: Decimal, paid: Decimal) -> None:
    """The findings on one source never claw back more than was paid for it."""
    field = "claim" if isinstance(source, Claim) else "record"
    before = from_db(Finding.objects.filter(**{field: source}).aggregate(s=Sum("amount"))["s"])
    if amount > paid - before:
        raise DomainError(
            "amount",
            f"追回金额不得超过已付且尚未追回的 {paid - before} 元",
            f"the amount exceeds the {paid - before} yuan paid and not yet clawed back",
            code="above_paid",
        )


def _claw_back(source, payee: dict, amount, reason, evidence, by, exception) -> Finding:
    voucher = source.voucher
    programme_id = voucher.programme_id
    paid = ledger.payee_account(programme_id, Kind.PAID, **payee)
    receivable = ledger.payee_account(programme_id, Kind.RECEIVABLE, **payee)
    reference = f"{'claim' if isinstance(source, Claim) else 'record'}:{source.pk}"
    entry = ledger.transfer(
        debit=paid, credit=receivable, amount=amount, kind=LedgerEntry.Kind.CLAWBACK,
        by=by, voucher=voucher, reference=reference,
    )  # fmt: skip
    finding = Finding.objects.create(
        programme_id=programme_id, receivable=receivable, amount=amount, reason=reason,
        evidence=evidence, entry=entry, recorded_by=by, exception=exception,
        **({"claim": source} if isinstance(source, Claim) else {"record": source}), **payee,
    )  # fmt: skip
    audit.record(
        actor=by, action=actions.FINDING_RECORD, obj=finding, programme=programme_id,
        after={"amount": amount, "source": reference, "receivable": receivable.key,
               "reason": reason, "exception": getattr(exception, "pk", None)},
    )  # fmt: skip
    return finding


def offset_statement(settlement: Settlement, by) -> Decimal:
    """Offset the provider's receivable against the statement being approved (the caller
    holds its row): what it recovers, at most the statement's total."""
    key = ledger.receivable_key(settlement.programme_id, provider_id=settlement.provider_id)
    return _offset(key, settlement.total_subsidy, by, settlement=settlement)


def offset_claim(claim: Claim, by) -> Decimal:
    """Offset the entity's receivable against the claim being approved (the caller holds
    its row): what it recovers, at most the amount approved."""
    key = ledger.receivable_key(claim.voucher.programme_id, entity_id=claim.entity_id)
    return _offset(key, claim.approved_amount, by, claim=claim)


def _offset(key: str, due: Decimal, by, **target) -> Decimal:
    # The receivable's row lock: an offset and a repayment (or two offsets) of the same
    # payee at once take turns, and the second recovers only what the first left.
    receivable = LedgerAccount.objects.select_for_update().filter(key=key).first()
    amount = min(receivable.balance, max(due, ZERO)) if receivable else ZERO
    if amount <= 0:
        return ZERO
    _recover(receivable, amount, by, Recovery.Kind.OFFSET, **target)
    return amount


def _recover(receivable: LedgerAccount, amount: Decimal, by, kind: str, **fields) -> Recovery:
    target = (
        ledger.written_off_account(receivable.programme_id)
        if kind == Recovery.Kind.WRITE_OFF
        else ledger.available_account(receivable.programme)
    )
    reference = next(
        (f"{name}:{value.pk}" for name, value in fields.items() if hasattr(value, "pk")), ""
    )
    entry = ledger.transfer(
        debit=receivable, credit=target, amount=amount, kind=ENTRY_KIND[kind], by=by,
        reference=reference or fields.get("bank_reference", ""),
    )  # fmt: skip
    recovery = Recovery.objects.create(
        receivable=receivable,
        kind=kind,
        amount=amount,
        entry=entry,
        by=by if by and by.pk else None,
        **fields,
    )
    audit.record(
        actor=by, action=AUDIT_ACTION[kind], obj=recovery, programme=receivable.programme_id,
        before={"outstanding": receivable.balance + amount},
        after={"amount": amount, "outstanding": receivable.balance, "receivable": receivable.key,
               "reference": entry.reference},
    )  # fmt: skip
    return recovery


ENTRY_KIND = {
    Recovery.Kind.OFFSET: LedgerEntry.Kind.OFFSET,
    Recovery.Kind.REPAYMENT: LedgerEntry.Kind.REPAY,
    Recovery.Kind.WRITE_OFF: LedgerEntry.Kind.WRITE_OFF,
}
AUDIT_ACTION = {
    Recovery.Kind.OFFSET: actions.RECEIVABLE_OFFSET,
    Recovery.Kind.REPAYMENT: actions.RECEIVABLE_REPAY,
    Recovery.Kind.WRITE_OFF: actions.WRITE_OFF_CONFIRM,
}


def record_repayment(
    *, receivable: LedgerAccount, amount, bank_reference: str, repaid_on: date, by
) -> Recovery:
    """The payee paid (part of) its receivable back: receivable -> available."""
    amount = _positive(amount)
    bank_reference = clean_text((bank_reference or "").strip(), field="bank_reference")
    if not bank_reference:
        raise DomainError(
            "bank_reference", "请填写银行流水号", "enter the bank reference", code="required"
        )
    if repaid_on is None or repaid_on > timezone.localdate():
        raise DomainError(
            "repaid_on", "还款日期须为今天或以前", "the repayment date must be today or earlier",
            code="invalid_date",
        )  # fmt: skip
    require(by, "recovery.record_repayment", receivable)
    with transaction.atomic():
        receivable = _locked_receivable(receivable, amount)
        return _recover(
            receivable, amount, by, Recovery.Kind.REPAYMENT,
            bank_reference=bank_reference, repaid_on=repaid_on,
        )  # fmt: skip


def request_write_off(*, receivable: LedgerAccount, amount, reason: str, by) -> WriteOff:
    """A finance officer asks to give up `amount`; another confirms it."""
    amount = _positive(amount)
    reason = _reason(reason)
    require(by, "recovery.write_off", receivable)
    with transaction.atomic():
        receivable = _locked_receivable(receivable, amount)
        try:
            with transaction.atomic():
                request = WriteOff.objects.create(
                    receivable=receivable, amount=amount, reason=reason, requested_by=by
                )
        except IntegrityError as exc:
            raise DomainError(
                "amount", "该应收款已有待确认的核销申请", "a write-off of this receivable is already waiting",
                code="already_requested",
            ) from exc  # fmt: skip
        audit.record(
            actor=by, action=actions.WRITE_OFF_REQUEST, obj=request, programme=receivable.programme_id,
            after={"amount": amount, "reason": reason, "receivable": receivable.key},
        )  # fmt: skip
    return request


def confirm_write_off(*, write_off: WriteOff, by) -> WriteOff:
    """A second finance officer, not the one who asked: receivable -> written_off."""
    require(by, "recovery.write_off", write_off.receivable)
    with transaction.atomic():
        write_off = WriteOff.objects.select_for_update().get(pk=write_off.pk)
        if write_off.confirmed_by_id:
            raise DomainError(
                "status", "该核销已确认", "the write-off is already confirmed", code="bad_state"
            )
        if write_off.requested_by_id == by.pk:
            raise DomainError(
                "confirmed_by", "核销须由申请人以外的另一名财务人员确认",
                "a write-off needs a second finance officer, not the one who asked for it",
                code="four_eyes",
            )  # fmt: skip
        receivable = _locked_receivable(write_off.receivable, write_off.amount)
        write_off.confirmed_by, write_off.confirmed_at = by, timezone.now()
        write_off.save(update_fields=["confirmed_by", "confirmed_at"])
        _recover(receivable, write_off.amount, by, Recovery.Kind.WRITE_OFF, write_off=write_off)
    return write_off


def withdraw_write_off(*, write_off: WriteOff, by) -> WriteOff:
    """A finance officer takes back a request not confirmed (the receivable was offset or
    repaid meanwhile, or the amount was wrong): the request is removed, audited."""
    require(by, "recovery.write_off", write_off.receivable)
    with transaction.atomic():
        write_off = WriteOff.objects.select_for_update().get(pk=write_off.pk)
        if write_off.confirmed_by_id:
            raise DomainError(
                "status", "该核销已确认", "the write-off is already confirmed", code="bad_state"
            )
        audit.record(
            actor=by, action=actions.WRITE_OFF_WITHDRAW, obj=write_off,
            programme=write_off.receivable.programme_id,
            before={"amount": write_off.amount, "reason": write_off.reason,
                    "requested_by": write_off.requested_by_id},
        )  # fmt: skip
        write_off.delete()
    return write_off


def _locked_receivable(receivable: LedgerAccount, amount: Decimal) -> LedgerAccount:
    # The receivable's row only (`of`): the programme row joined for its name is hot.
    locked = LedgerAccount.objects.select_for_update(of=("self",)).select_related("programme")
    receivable = locked.get(pk=receivable.pk, kind=Kind.RECEIVABLE)
    if amount > receivable.balance:
        raise DomainError(
            "amount",
            f"金额不得超过未收回的 {receivable.balance} 元",
            f"the amount exceeds the {receivable.balance} yuan outstanding",
            code="above_outstanding",
        )
    return receivable


def _positive(amount) -> Decimal:
    amount = parse_yuan(amount, field="amount")
    if amount <= 0:
        raise DomainError(
            "amount", "金额须大于零", "the amount must be positive", code="invalid_amount"
        )
    return amount


def _reason(reason: str) -> str:
    reason = clean_text((reason or "").strip(), field="reason")
    if not reason:
        raise DomainError("reason", "请填写理由", "write the reason", code="required")
    return reason
