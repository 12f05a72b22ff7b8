"""Closing vouchers (关闭): expiry, revocation and the end of public notice.
Expiry and revocation release the unused value to the budget and the entity's cap."""

from contextlib import contextmanager
from datetime import date

from django.db import OperationalError, transaction

from accounts.permissions import require
from audit import actions
from audit import services as audit
from config.errors import DomainError, clean_text
from vouchers.models import LedgerEntry, Objection, Voucher
from vouchers.selectors import lock_voucher
from vouchers.services import ledger


def revoke_voucher(*, voucher: Voucher, by, reason: str) -> Voucher:
    require(by, "vouchers.revoke_voucher", voucher)
    if not clean_text(reason, field="reason").strip():
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


# PostgreSQL's lock_not_available: lock_timeout ran out waiting for a row lock.
LOCK_NOT_AVAILABLE = "55P03"


@contextmanager
def _busy_as_domain_error():
    """A voucher row held longer than lock_timeout (by a reconcile chunk, say) answers a
    "busy, try again" DomainError instead of a raw OperationalError (a 500 in a page).
    Wrapped around the atomic block, so the transaction has rolled back when it is
    raised; any other database error passes through unchanged."""
    try:
        yield
    except OperationalError as exc:
        if not _lock_timed_out(exc):
            raise
        raise DomainError(
            "voucher",
            "该券正在处理中（例如对账），请稍后重试",
            "the voucher is busy (being reconciled, for example); try again in a moment",
            code="busy",
        ) from exc


def _lock_timed_out(exc: OperationalError) -> bool:
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == LOCK_NOT_AVAILABLE:
        return True
    # SQLite's equivalent: its busy timeout ran out waiting for another writer.
    return "database is locked" in str(exc)


def _close(voucher: Voucher, *, by, step: str, reason: str, today: date | None = None) -> Voucher:
    """Expire or revoke, releasing the unused value to the budget and the entity's cap.
    Idempotent: a voucher already closed is returned unchanged."""
    with _busy_as_domain_error(), transaction.atomic():
        voucher = lock_voucher(voucher=voucher)
        if voucher.status not in (Voucher.Status.PUBLIC_NOTICE, Voucher.Status.ACTIVE):
            return voucher
        if today is not None and voucher.expires_on >= today:
            return voucher
        unused = voucher.remaining
        before = {"status": voucher.status, "released": voucher.released}
        getattr(voucher, step)()
        voucher.save(update_fields=["status"])
        ledger.release_cap(programme=voucher.programme, entity_id=voucher.entity_id, amount=unused)
        if unused > 0:
            # The ledger raises voucher.released with the release entry.
            ledger.transfer(
                debit=voucher.reserve_account,
                credit=ledger.available_account(voucher.programme),
                amount=unused,
                kind=LedgerEntry.Kind.RELEASE,
                by=by,
                voucher=voucher,
                reference=reason,
            )
        audit.record(
            actor=by,
            action=actions.VOUCHER_CLOSE[step],
            obj=voucher,
            programme=voucher.programme,
            before=before,
            after={"status": voucher.status, "released": voucher.released, "reason": reason},
        )
    return voucher


def end_public_notice(*, voucher: Voucher, today: date) -> Voucher:
    with _busy_as_domain_error(), transaction.atomic():
        voucher = lock_voucher(voucher=voucher)
        if voucher.status != Voucher.Status.PUBLIC_NOTICE or voucher.notice_ends_on > today:
            return voucher
        # An open objection keeps the voucher in notice until an officer resolves it.
        if voucher.objections.filter(status=Objection.Status.OPEN).exists():
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
    it changes nothing the second time. A voucher locked by a long reconcile is skipped
    and counted as `busy` (the key appears only then); the task runs again for it."""
    live = (Voucher.Status.PUBLIC_NOTICE, Voucher.Status.ACTIVE)
    due = Voucher.objects.filter(status__in=live, expires_on__lt=today).order_by("pk")
    expired, busy = _each(due, lambda v: expire_voucher(voucher=v, today=today))
    noticed = Voucher.objects.filter(
        status=Voucher.Status.PUBLIC_NOTICE, notice_ends_on__lte=today
    ).exclude(objections__status=Objection.Status.OPEN)
    activated, busy_too = _each(
        noticed.order_by("pk"), lambda v: end_public_notice(voucher=v, today=today)
    )
    result = {"expired": expired, "activated": activated}
    if busy + busy_too:
        result["busy"] = busy + busy_too
    return result


def _each(vouchers, close) -> tuple[int, int]:
    """Close each voucher; (done, busy)."""
    done = busy = 0
    for voucher in vouchers:
        try:
            close(voucher)
        except DomainError as exc:
            if exc.code != "busy":
                raise
            busy += 1
        else:
            done += 1
    return done, busy
