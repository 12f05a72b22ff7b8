"""Public notice (公示): objections (异议) from the public board and the officers' answers.

An open objection keeps its voucher in notice (closing.end_public_notice skips it) until
an officer of the programme's authority resolves it: upheld, the voucher is revoked with
the reason; dismissed, the reason is shown on the board. Ending a notice early is an
officer's decision with a reason, and is refused while an objection is open.
Lock order as everywhere: the voucher row first, then the objection's."""

from django.db import transaction
from django.utils import timezone

from accounts.permissions import require
from audit import actions
from audit import services as audit
from config.errors import DomainError, clean_text
from vouchers.models import Objection, Voucher
from vouchers.selectors import lock_voucher
from vouchers.services.closing import revoke_voucher

IN_NOTICE = Voucher.Status.PUBLIC_NOTICE


def file_objection(*, voucher: Voucher, name: str, contact: str, text: str) -> Objection:
    """Anyone's objection, taken only while the voucher is in notice."""
    fields = {"name": name, "contact": contact, "text": text}
    for field, value in fields.items():
        if not clean_text(value, field=field).strip():
            raise DomainError(field, "不能为空", "must not be empty", code="required")
    with transaction.atomic():
        voucher = lock_voucher(voucher=voucher)
        if voucher.status != IN_NOTICE:
            raise DomainError(
                "voucher", "该券已不在公示期", "the voucher is no longer in public notice"
            )
        objection = Objection.objects.create(voucher=voucher, **fields)
        audit.record(
            actor=None,
            action=actions.OBJECTION_FILE,
            obj=objection,
            programme=voucher.programme,
            after={"voucher": voucher.code},
        )
    return objection


def uphold_objection(*, objection: Objection, by, reason: str) -> Objection:
    """The objection holds: the voucher is revoked with the reason."""
    _require_reason(reason)
    with transaction.atomic():
        objection = _lock_open(objection, by)
        revoke_voucher(voucher=objection.voucher, by=by, reason=reason)
        return _resolve(objection, by=by, reason=reason, status=Objection.Status.UPHELD)


def dismiss_objection(*, objection: Objection, by, reason: str) -> Objection:
    """The objection does not hold; the reason is published on the board."""
    _require_reason(reason)
    with transaction.atomic():
        objection = _lock_open(objection, by)
        return _resolve(objection, by=by, reason=reason, status=Objection.Status.DISMISSED)


def end_notice_early(*, voucher: Voucher, by, reason: str) -> Voucher:
    require(by, "vouchers.revoke_voucher", voucher)
    _require_reason(reason)
    with transaction.atomic():
        voucher = lock_voucher(voucher=voucher)
        if voucher.status != IN_NOTICE:
            raise DomainError("voucher", "该券不在公示期", "the voucher is not in public notice")
        if has_open_objection(voucher):
            raise DomainError(
                "voucher",
                "有未处理的异议，须先处理异议",
                "an objection is open: resolve it first",
                code="objection_open",
            )
        before = {"status": IN_NOTICE, "notice_ends_on": voucher.notice_ends_on,
                  "valid_from": voucher.valid_from, "expires_on": voucher.expires_on}  # fmt: skip
        _start_today(voucher)
        voucher.activate()
        voucher.save(update_fields=["status", "notice_ends_on", "valid_from", "expires_on"])
        audit.record(
            actor=by,
            action=actions.VOUCHER_END_NOTICE_EARLY,
            obj=voucher,
            programme=voucher.programme,
            before=before,
            after={"status": voucher.status, "reason": reason, "valid_from": voucher.valid_from,
                   "expires_on": voucher.expires_on},
        )  # fmt: skip
    return voucher


def _start_today(voucher: Voucher) -> None:
    """A notice ended early starts the voucher's validity today, not on the day the
    notice would have ended (redemptions before `valid_from` are refused), and keeps the
    length of its validity."""
    today = timezone.localdate()
    if voucher.valid_from > today:
        shift = voucher.valid_from - today
        voucher.valid_from, voucher.expires_on = today, voucher.expires_on - shift
    voucher.notice_ends_on = today


def has_open_objection(voucher: Voucher) -> bool:
    return voucher.objections.filter(status=Objection.Status.OPEN).exists()


def _require_reason(reason: str) -> None:
    if not clean_text(reason, field="reason").strip():
        raise DomainError("reason", "须说明理由", "a reason is required", code="required")


def _lock_open(objection: Objection, by) -> Objection:
    voucher = lock_voucher(voucher=objection.voucher)
    require(by, "vouchers.revoke_voucher", voucher)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != Objection.Status.OPEN:
        raise DomainError("objection", "该异议已处理", "the objection is already resolved")
    objection.voucher = voucher
    return objection


def _resolve(objection: Objection, *, by, reason: str, status: str) -> Objection:
    objection.status, objection.reason = status, reason
    objection.resolved_by, objection.resolved_at = by, timezone.now()
    objection.save(update_fields=["status", "reason", "resolved_by", "resolved_at"])
    action = {
        Objection.Status.UPHELD: actions.OBJECTION_UPHOLD,
        Objection.Status.DISMISSED: actions.OBJECTION_DISMISS,
    }[status]
    audit.record(
        actor=by,
        action=action,
        obj=objection,
        programme=objection.voucher.programme,
        before={"status": Objection.Status.OPEN},
        after={"status": status, "reason": reason},
    )
    return objection
