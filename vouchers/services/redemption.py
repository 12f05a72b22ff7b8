"""Redemption (核销): a billed amount earns rate x billed, up to what is left on the voucher."""

from decimal import Decimal

from django.db import transaction

from accounts.permissions import require
from config.errors import DomainError
from vouchers.models import LedgerEntry, Voucher
from vouchers.money import MoneyError, share_of, yuan
from vouchers.services import audit, ledger
from vouchers.services.issuance import lock_voucher


def redeem(*, voucher: Voucher, billed_amount, by, reference: str = "") -> Decimal:
    """Post the subsidy for one billed amount: rate x billed, rounded down, up to what is
    left on the voucher. Returns the subsidy posted (0.00 if nothing is left)."""
    try:
        billed = yuan(billed_amount)
    except MoneyError as exc:
        raise DomainError(
            "billed_amount", "计费金额格式不正确", f"billed amount is not valid: {exc}"
        ) from exc
    if billed <= 0:
        raise DomainError("billed_amount", "计费金额须大于零", "the billed amount must be positive")
    require(by, "vouchers.redeem_voucher", voucher)
    with transaction.atomic():
        voucher = lock_voucher(voucher)
        if voucher.status != Voucher.Status.ACTIVE:
            raise DomainError(
                "voucher",
                "券不在有效状态",
                f"the voucher is {voucher.status}, not active",
                code="bad_state",
            )
        subsidy = min(share_of(billed, voucher.rate), voucher.remaining)
        if subsidy <= 0:
            return subsidy
        before = {"redeemed": voucher.redeemed, "status": voucher.status}
        voucher.redeemed += subsidy
        if voucher.remaining == 0:
            voucher.exhaust()
        voucher.save(update_fields=["redeemed", "status"])
        audit.record(
            actor=by,
            action="voucher.redeem",
            obj=voucher,
            programme=voucher.programme,
            before=before,
            after={"redeemed": voucher.redeemed, "status": voucher.status, "billed": billed},
        )
        ledger.transfer(
            debit=voucher.reserve_account,
            credit=ledger.redeemed_account(voucher.programme_id, voucher.provider_id),
            amount=subsidy,
            kind=LedgerEntry.Kind.REDEEM,
            by=by,
            voucher=voucher,
            reference=reference,
        )
    return subsidy
