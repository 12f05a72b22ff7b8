"""What a notification says about an audit event, in both languages."""

from django.urls import reverse

from vouchers.models import Application, AuditEvent, Voucher

STATUS_NAMES = {
    **{value: label for value, label in Application.Status.choices},
    **{value: label for value, label in Voucher.Status.choices},
    "issue": "已发放 / issued",
    "activate": "已生效 / active",
    "expire": "已过期 / expired",
    "revoke": "已撤销 / revoked",
}
OBJECT_NAMES = {"application": ("申请", "Application"), "voucher": ("算力券", "Voucher")}


def _status(event: AuditEvent) -> tuple[str, str]:
    step = event.action.split(".", 1)[1]
    label = STATUS_NAMES.get(event.after.get("status") or step, step)
    zh, _, en = label.partition(" / ")
    return zh, en or zh


def subject(event: AuditEvent) -> tuple[str, str]:
    name_zh, name_en = OBJECT_NAMES[event.object_type]
    status_zh, status_en = _status(event)
    return (
        f"{name_zh} #{event.object_id} 状态变更：{status_zh}",
        f"{name_en} #{event.object_id} is now {status_en}",
    )


def body(event: AuditEvent) -> str:
    note = event.after.get("note") or event.after.get("reason") or ""
    return str(note)


def link(event: AuditEvent) -> str:
    if event.object_type == "application":
        return reverse("company:application", args=[event.object_id])
    return reverse("company:voucher", args=[event.object_id])
