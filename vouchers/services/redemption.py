"""Redemption (核销): a billed amount earns rate x billed, up to what is left on the voucher."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.permissions import require
from audit import actions
from audit import services as audit
from config.errors import DomainError
from vouchers.models import LedgerEntry, Voucher
from vouchers.money import parse_yuan, share_of
from vouchers.selectors import lock_voucher
from vouchers.services import ledger


def redeem(
    *, voucher: Voucher, billed_amount, by, reference: str = "", used_on: date | None = None
) -> Decimal:
    """Post the subsidy for compute used on `used_on` (default today): rate x billed,
    rounded down, up to what is left on the voucher. Returns the subsidy posted (0.00 if
    nothing is left). Use outside the voucher's validity or the contract's service period
    earns nothing and is refused."""
    used_on = used_on or timezone.localdate()
    billed = parse_yuan(billed_amount, field="billed_amount")
    if billed <= 0:
        raise DomainError("billed_amount", "计费金额须大于零", "the billed amount must be positive")
    require(by, "vouchers.redeem_voucher", voucher)
    with transaction.atomic():
        voucher = lock_voucher(voucher=voucher)
        if voucher.status != Voucher.Status.ACTIVE:
            raise DomainError(
                "voucher",
                "券不在有效状态",
                f"the voucher is {voucher.status}, not active",
                code="bad_state",
            )
        _require_within_periods(voucher, used_on)
        subsidy = min(share_of(billed, voucher.rate), voucher.remaining)
        if subsidy <= 0:
            return subsidy
        before = {"redeemed": voucher.redeemed, "status": voucher.status}
        # The ledger raises voucher.redeemed with the redeem entry.
        ledger.transfer(
            debit=voucher.reserve_account,
            credit=ledger.redeemed_account(voucher.programme_id, voucher.provider_id),
            amount=subsidy,
            kind=LedgerEntry.Kind.REDEEM,
            by=by,
            voucher=voucher,
            reference=reference,
        )
        if voucher.remaining == 0:
            voucher.exhaust()
            voucher.save(update_fields=["status"])
        audit.record(
            actor=by,
            action=actions.VOUCHER_REDEEM,
            obj=voucher,
            programme=voucher.programme,
            before=before,
            after={"redeemed": voucher.redeemed, "status": voucher.status, "billed": billed},
        )
    return subsidy


def _require_within_periods(voucher: Voucher, used_on: date) -> None:
    contract = voucher.contract
    if not (voucher.valid_from <= used_on <= voucher.expires_on):
        raise DomainError(
            "used_on",
            f"使用日期 {used_on} 不在券有效期 {voucher.valid_from} 至 {voucher.expires_on} 内",
            f"{used_on} is outside the voucher's validity {voucher.valid_from} to {voucher.expires_on}",
        )
    if not (contract.service_start <= used_on <= contract.service_end):
        raise DomainError(
            "used_on",
            f"使用日期 {used_on} 不在合同服务期 {contract.service_start} 至 {contract.service_end} 内",
            f"{used_on} is outside the contract's service period {contract.service_start} to {contract.service_end}",
        )
