"""What a notification says about an audit event, in both languages."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from company.models import Claim
from vouchers.models import Application, Voucher

STATUS_NAMES = {
    **{value: label for value, label in Application.Status.choices},
    **{value: label for value, label in Voucher.Status.choices},
    **{value: label for value, label in Claim.Status.choices},
    "issue": _("Issued"),
    "activate": _("Active"),
    "expire": _("Expired"),
    "revoke": _("Revoked"),
}
OBJECT_NAMES = {
    "application": ("申请", "Application"),
    "voucher": ("算力券", "Voucher"),
    "claim": ("报销申请", "Claim"),
}
LINKS = {
    "application": "company:application",
    "voucher": "company:voucher",
    "claim": "company:claim",
}


# What each audited step of an application's life is called on its timeline.
ACTION_NAMES = {
    "contract.register": ("登记合同", "contract registered"),
    "contract.revise": ("修改合同", "contract revised"),
    "application.create": ("创建草稿", "draft created"),
    "application.submitted": ("提交申请", "submitted"),
    "application.returned": ("退回补正", "returned for more information"),
    "application.approve": ("批准", "approved"),
    "application.rejected": ("驳回", "rejected"),
    "application.withdrawn": ("撤回", "withdrawn"),
    "voucher.issue": ("发放算力券", "voucher issued"),
    "voucher.activate": ("公示期满，券生效", "notice period over, voucher active"),
    "voucher.redeem": ("核销", "redeemed"),
    "voucher.expire": ("券过期", "voucher expired"),
    "voucher.revoke": ("券撤销", "voucher revoked"),
    "claim.submitted": ("提交报销", "claim submitted"),
    "claim.approved": ("报销批准", "claim approved"),
    "claim.returned": ("报销退回补正", "claim returned for correction"),
    "claim.rejected": ("报销驳回", "claim rejected"),
    "claim.paid": ("报销已付款", "claim paid"),
}


def action_name(action: str) -> tuple[str, str]:
    return ACTION_NAMES.get(action, (action, action))


def _status(event: AuditEvent) -> tuple[str, str]:
    step = event.action.split(".", 1)[1]
    label = STATUS_NAMES.get(event.after.get("status") or step, step)
    # A notification is stored in both languages at once, whichever one is active now.
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label).lower()
    return zh, en


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
    return reverse(LINKS[event.object_type], args=[event.object_id])
