"""Closing vouchers (关闭): expiry, revocation and the end of public notice.
Expiry and revocation release the unused value to the budget and the entity's cap."""

from datetime import date

from django.db import transaction

from accounts.permissions import require
from audit import actions
from audit import services as audit
from config.errors import DomainError
from vouchers.models import LedgerEntry, Voucher
from vouchers.selectors import lock_voucher
from vouchers.services import ledger
from vouchers.services.caps import release_cap


def revoke_voucher(*, voucher: Voucher, by, reason: str) -> Voucher:
    require(by, "vouchers.revoke_voucher", voucher)
    if not reason.strip():
        raise DomainError("reason", "撤销须说明理由", "a revocation needs a reason")
    voucher = _close(voucher, by=by, step="revoke", reason=reason)
    if voucher.status != Voucher.Status.REVOKED:
        # Used up or expired: nothing is left to release (a wrong payment is clawed back).
        raise DomainError(
            "status",
            "券已用完或已过期，不能撤销",
            f"a voucher that is {voucher.status} cannot be revoked",
            code="bad_state",
        )
    return voucher


def expire_voucher(*, voucher: Voucher, today: date) -> Voucher:
    return _close(
        voucher, by=None, step="expire", reason=f"expired {today.isoformat()}", today=today
    )


def _close(voucher: Voucher, *, by, step: str, reason: str, today: date | None = None) -> Voucher:
    """Expire or revoke, releasing the unused value to the budget and the entity's cap.
    Idempotent: a voucher already closed is returned unchanged."""
    with transaction.atomic():
        voucher = lock_voucher(voucher=voucher)
        if voucher.status not in (Voucher.Status.PUBLIC_NOTICE, Voucher.Status.ACTIVE):
            return voucher
        if today is not None and voucher.expires_on >= today:
            return voucher
        unused = voucher.remaining
        before = {"status": voucher.status, "released": voucher.released}
        getattr(voucher, step)()
        voucher.released += unused
        voucher.save(update_fields=["status", "released"])
        audit.record(
            actor=by,
            action=actions.VOUCHER_CLOSE[step],
            obj=voucher,
            programme=voucher.programme,
            before=before,
            after={"status": voucher.status, "released": voucher.released, "reason": reason},
        )
        release_cap(programme=voucher.programme, entity_id=voucher.entity_id, amount=unused)
        if unused > 0:
            ledger.transfer(
                debit=voucher.reserve_account,
                credit=ledger.available_account(voucher.programme),
                amount=unused,
                kind=LedgerEntry.Kind.RELEASE,
                by=by,
                voucher=voucher,
                reference=reason,
            )
    return voucher


def end_public_notice(*, voucher: Voucher, today: date) -> Voucher:
    with transaction.atomic():
        voucher = lock_voucher(voucher=voucher)
        if voucher.status != Voucher.Status.PUBLIC_NOTICE or voucher.notice_ends_on > today:
            return voucher
        voucher.activate()
        voucher.save(update_fields=["status"])
        audit.record(
            actor=None,
            action=actions.VOUCHER_ACTIVATE,
            obj=voucher,
            programme=voucher.programme,
            before={"status": Voucher.Status.PUBLIC_NOTICE},
            after={"status": voucher.status},
        )
    return voucher


def close_vouchers(*, today: date) -> dict:
    """The daily job: end public notices that are over, expire vouchers past their validity.
    One transaction per voucher, so a failure on one never undoes the others; run twice,
    it changes nothing the second time."""
    live = (Voucher.Status.PUBLIC_NOTICE, Voucher.Status.ACTIVE)
    expired = [
        expire_voucher(voucher=v, today=today)
        for v in Voucher.objects.filter(status__in=live, expires_on__lt=today).order_by("pk")
    ]
    noticed = Voucher.objects.filter(status=Voucher.Status.PUBLIC_NOTICE, notice_ends_on__lte=today)
    activated = [end_public_notice(voucher=v, today=today) for v in noticed.order_by("pk")]
    return {"expired": len(expired), "activated": len(activated)}
