"""Reimburse-mode claims (报销): the entity paid the provider in full and claims the
subsidy with the invoice (发票) and proof of delivery."""

from django.db import IntegrityError, transaction

from accounts.permissions import require
from audit import services as audit
from company.models import Claim
from config.errors import DomainError
from vouchers.contract_numbers import number_key
from vouchers.models import Programme, Voucher
from vouchers.money import parse_yuan


def _money(field: str, value, zh: str, en: str):
    amount = parse_yuan(value, field=field)
    if amount <= 0:
        raise DomainError(field, f"{zh}须大于零", f"the {en} must be positive")
    return amount


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
    invoice_amount = _money("invoice_amount", invoice_amount, "发票金额", "invoice amount")
    amount = _money("amount", amount, "申请金额", "amount claimed")
    key = _checked_invoice(invoice_number, invoice_amount, amount, service_start, service_end)
    claim = Claim(
        entity=entity,
        voucher=voucher,
        invoice_number=invoice_number.strip(),
        invoice_key=key,
        invoice_date=invoice_date,
        invoice_amount=invoice_amount,
        amount=amount,
        service_start=service_start,
        service_end=service_end,
        invoice_file=invoice_file,
        delivery_proof=delivery_proof,
        filed_by=by,
    )
    if Claim.objects.filter(entity=entity, invoice_key=key).exists():
        raise _duplicate_invoice()
    try:
        with transaction.atomic():
            claim.save()
            audit.record(
                actor=by,
                action="claim.submitted",
                obj=claim,
                programme=voucher.programme_id,
                after={"voucher": voucher.code, "invoice": claim.invoice_number, "amount": amount},
            )
    except IntegrityError as exc:  # the same invoice filed at the same moment
        raise _duplicate_invoice() from exc
    return claim


def _checked_invoice(invoice_number, invoice_amount, amount, service_start, service_end):
    """The invoice number's key, once the claim's figures agree with the invoice."""
    if amount > invoice_amount:
        raise DomainError("amount", "申请金额不得超过发票金额", "the claim exceeds the invoice")
    key = number_key(invoice_number)
    if not key:
        raise DomainError("invoice_number", "发票号码不能为空", "the invoice number is blank")
    if service_end < service_start:
        raise DomainError(
            "service_end", "服务结束日期早于开始日期", "the period ends before it starts"
        )
    return key


def _duplicate_invoice() -> DomainError:
    return DomainError(
        "invoice_number", "该发票已用于本单位的其他报销", "this invoice was already claimed"
    )
