"""Reimburse-mode claims (报销): the entity paid the provider in full and claims the
subsidy with the invoice (发票) and proof of delivery.

A claim is at most the programme's rate of its invoice and at most what the voucher has
left after the other open claims on it; its invoice is dated within the contract's
service period and never in the future (brief). Every refusal is reported at once.
"""

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.permissions import require
from audit import actions
from audit import services as audit
from company.models import Claim
from config.errors import DomainError, refuse_all, unstorable_text
from vouchers.contract_numbers import number_key
from vouchers.models import Programme, Voucher
from vouchers.money import parse_yuan, share_of
from vouchers.selectors import lock_voucher

OPEN = (Claim.Status.SUBMITTED, Claim.Status.VERIFIED)


def _require_claimable(voucher: Voucher, entity) -> None:
    if voucher.entity_id != entity.pk:
        raise DomainError("voucher", "券不属于该单位", "the voucher belongs to another entity")
    if voucher.status != Voucher.Status.ACTIVE:
        raise DomainError(
            "voucher", "券不在有效状态", f"the voucher is {voucher.status}, not active"
        )
    if voucher.programme.settlement_mode != Programme.SettlementMode.REIMBURSE:
        raise DomainError(
            "voucher", "该项目不采用企业报销方式", "this programme does not reimburse claims"
        )


def file_claim(
    *,
    entity,
    voucher: Voucher,
    by,
    invoice_number: str,
    invoice_date,
    invoice_amount,
    amount,
    service_start,
    service_end,
    invoice_file,
    delivery_proof,
) -> Claim:
    """Validate, then store the claim and its audit event together. The files have been
    checked by content (company.uploads) by the form; a service caller must do the same."""
    require(by, "vouchers.apply", entity)
    _require_claimable(voucher, entity)
    claim = Claim(
        entity=entity,
        voucher=voucher,
        invoice_number=(invoice_number or "").strip(),
        invoice_key=number_key(invoice_number),
        invoice_date=invoice_date,
        service_start=service_start,
        service_end=service_end,
        invoice_file=invoice_file,
        delivery_proof=delivery_proof,
        filed_by=by,
    )
    errors = unstorable_text(claim) + _parse_amounts(claim, invoice_amount, amount)
    try:
        with transaction.atomic():
            # The voucher's row lock makes two claims on it queue, so the second sees
            # the first among the open claims and both cannot take the same remainder.
            voucher = lock_voucher(voucher=voucher)
            _require_claimable(voucher, entity)
            refuse_all(errors + _refusals(claim, voucher, refused=errors))
            claim.save()
            audit.record(
                actor=by,
                action=actions.CLAIM_SUBMITTED,
                obj=claim,
                programme=voucher.programme_id,
                after={
                    "voucher": voucher.code,
                    "invoice": claim.invoice_number,
                    "amount": claim.amount,
                },
            )
    except IntegrityError as exc:  # the same invoice filed at the same moment
        raise _duplicate_invoice() from exc
    return claim


def resubmit_claim(*, claim: Claim, by, amount, invoice_file=None, delivery_proof=None) -> Claim:
    """A returned claim, corrected (its amount, and new files if given) and submitted
    again: checked against the voucher as a new claim would be, under its lock."""
    require(by, "vouchers.apply", claim.entity)
    with transaction.atomic():
        voucher = lock_voucher(voucher=claim.voucher)
        _require_claimable(voucher, claim.entity)
        claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        if claim.status != Claim.Status.RETURNED:
            raise DomainError(
                "status", "只有退回的报销可以重新提交", "only a returned claim is resubmitted",
                code="bad_state",
            )  # fmt: skip
        # A returned claim holds nothing on the voucher: the other open claims are all
        # that _amount_refusals subtracts.
        errors = _parse_amounts(claim, claim.invoice_amount, amount)
        refuse_all(errors + _amount_refusals(claim, voucher))
        claim.invoice_file = invoice_file or claim.invoice_file
        claim.delivery_proof = delivery_proof or claim.delivery_proof
        claim.resubmit()
        claim.decided_by, claim.decided_at, claim.decision_note = None, None, ""
        claim.save()
        audit.record(
            actor=by,
            action=actions.CLAIM_SUBMITTED,
            obj=claim,
            programme=voucher.programme_id,
            before={"status": Claim.Status.RETURNED},
            after={"status": claim.status, "amount": claim.amount},
        )
    return claim


def _parse_amounts(claim: Claim, invoice_amount, amount) -> list[DomainError]:
    """Sets the claim's two amounts; the refusal of each one that is not a positive amount."""
    errors = []
    for field, value, zh, en in (
        ("invoice_amount", invoice_amount, "发票金额", "invoice amount"),
        ("amount", amount, "申请金额", "amount claimed"),
    ):
        try:
            parsed = parse_yuan(value, field=field)
        except DomainError as error:
            errors.append(error)
            continue
        if parsed <= 0:
            errors.append(DomainError(field, f"{zh}须大于零", f"the {en} must be positive"))
            continue
        setattr(claim, field, parsed)
    return errors


def _refusals(claim: Claim, voucher: Voucher, *, refused: list) -> list[DomainError]:
    errors = _amount_refusals(claim, voucher) + _date_refusals(claim, voucher.contract)
    # A number already refused as unstorable is not even looked up: the query would fail.
    if not any(error.field == "invoice_number" for error in refused):
        errors += _invoice_number_refusals(claim)
    return errors


def _invoice_number_refusals(claim: Claim) -> list[DomainError]:
    if not claim.invoice_key:
        return [DomainError("invoice_number", "发票号码不能为空", "the invoice number is blank")]
    if Claim.objects.filter(invoice_key=claim.invoice_key).exists():
        return [_duplicate_invoice()]
    return []


def _amount_refusals(claim: Claim, voucher: Voucher) -> list[DomainError]:
    if claim.amount is None or claim.invoice_amount is None:
        return []  # already refused as unreadable
    errors = []
    # A rate is at most 1, so this also keeps the claim within the invoice.
    allowed = share_of(claim.invoice_amount, voucher.rate)
    if claim.amount > allowed:
        errors.append(
            DomainError(
                "amount",
                f"申请金额不得超过发票金额的补贴比例部分 {allowed}",
                f"the claim exceeds the programme's share of the invoice, {allowed}",
                code="above_rate",
            )
        )
    left = voucher.remaining - _open_claims(voucher)
    if claim.amount > left:
        errors.append(
            DomainError(
                "amount",
                f"申请金额超过券的可用余额（扣除其他待处理报销后为 {left}）",
                f"the claim exceeds what the voucher has left after its other open claims, {left}",
                code="above_remaining",
            )
        )
    return errors


def _open_claims(voucher: Voucher):
    taken = Claim.objects.filter(voucher=voucher, status__in=OPEN).aggregate(total=Sum("amount"))
    return taken["total"] or 0


def _date_refusals(claim: Claim, contract) -> list[DomainError]:
    errors = []
    if claim.service_end < claim.service_start:
        errors.append(
            DomainError(
                "service_end", "服务结束日期早于开始日期", "the period ends before it starts"
            )
        )
    # The period the provider confirmed, if it answered with other dates.
    start = contract.confirmed_start or contract.service_start
    end = contract.confirmed_end or contract.service_end
    if claim.invoice_date > timezone.localdate():
        errors.append(
            DomainError("invoice_date", "开票日期不能晚于今天", "the invoice date is in the future")
        )
    elif not start <= claim.invoice_date <= end:
        errors.append(
            DomainError(
                "invoice_date",
                f"开票日期须在合同服务期 {start} 至 {end} 之内",
                f"the invoice date must be within the contract's service period, {start} to {end}",
            )
        )
    return errors


def _duplicate_invoice() -> DomainError:
    return DomainError(
        "invoice_number",
        "该发票号码已在本平台报销过，同一张发票只能报销一次",
        "this invoice number was already claimed on the platform; an invoice is claimed once",
    )
