"""Second review (四眼): above its programme's `second_review_above`, an approval takes
two different reviewers. The first one's approval is recorded (`FirstApproval`) and
issues nothing; `approve_application` refuses to issue above the threshold unless a
different reviewer's open first approval for the same amount exists, and confirms it in
its own transaction. A return or rejection leaves the first approval behind: it counts
only if made after the application's latest submission."""

from django.db import transaction
from django.utils import timezone

from accounts.permissions import is_own_work, require
from audit import actions
from audit import services as audit
from config.errors import DomainError
from vouchers.models import Application, FirstApproval
from vouchers.money import parse_yuan


def needs_second_review(programme, amount) -> bool:
    return programme.second_review_above is not None and amount > programme.second_review_above


def open_first_approval(application: Application) -> FirstApproval | None:
    current = FirstApproval.objects.filter(application=application, confirmed_at__isnull=True)
    if application.submitted_at is not None:
        current = current.filter(approved_at__gte=application.submitted_at)
    return current.select_related("approved_by").first()


def propose(*, application: Application, by, amount=None, note: str = "") -> FirstApproval:
    """The first reviewer's approval above the threshold: recorded, audited, no voucher."""
    if is_own_work(by, application):
        raise DomainError(
            "reviewer", "不能审批本单位或本人提交的申请", "nobody approves their own application"
        )
    require(by, "vouchers.review_application", application)
    with transaction.atomic():
        # The application's row first, as every decision: a second proposal waits here.
        application = Application.objects.select_for_update().get(pk=application.pk)
        _require_submitted(application)
        if open_first_approval(application) is not None:
            raise DomainError(
                "reviewer",
                "已有初审，等待另一名审核员复核",
                "a first approval already waits for a second reviewer",
                code="awaiting_second_review",
            )
        # An older one, from before a return and resubmission, no longer counts.
        FirstApproval.objects.filter(application=application, confirmed_at__isnull=True).delete()
        value = (
            application.entitlement if amount in (None, "") else parse_yuan(amount, field="amount")
        )
        _require_within_entitlement(application, value)
        first = FirstApproval.objects.create(
            application=application, amount=value, note=note, approved_by=by
        )
        audit.record(
            actor=by,
            action=actions.FIRST_APPROVAL_CREATE,
            obj=first,
            programme=application.programme_id,
            after={"application": application.pk, "amount": value, "note": note},
        )
    return first


def confirm_if_needed(*, application: Application, by, amount) -> None:
    """Inside `approve_application`, under the application's row lock: above the
    threshold, the approval must confirm a different reviewer's first approval of
    the same amount; it is then marked confirmed."""
    programme = application.programme
    if not needs_second_review(programme, amount):
        return
    first = open_first_approval(application)
    if first is None:
        raise DomainError(
            "amount",
            f"超过 {programme.second_review_above} 元的批准须两名审核员：请先提交初审",
            f"above {programme.second_review_above} yuan an approval needs two reviewers: "
            "record a first approval first",
            code="second_review_required",
        )
    if first.approved_by_id == by.pk:
        raise DomainError(
            "reviewer",
            "复核须由另一名审核员进行",
            "the second approval must come from a different reviewer",
            code="same_reviewer",
        )
    if first.amount != amount:
        raise DomainError(
            "amount",
            f"复核金额须与初审金额 {first.amount} 元一致",
            f"the second approval must be for the first one's {first.amount} yuan",
        )
    FirstApproval.objects.filter(pk=first.pk).update(confirmed_by=by, confirmed_at=timezone.now())
    audit.record(
        actor=by,
        action=actions.FIRST_APPROVAL_CONFIRM,
        obj=first,
        programme=programme,
        after={"application": application.pk, "amount": amount},
    )


def _require_submitted(application: Application) -> None:
    if application.status != Application.Status.SUBMITTED:
        raise DomainError(
            "status",
            f"当前状态（{application.get_status_display()}）不允许此操作",
            f"not allowed while the application is {application.status}",
            code="bad_state",
        )


def _require_within_entitlement(application: Application, amount) -> None:
    if amount <= 0:
        raise DomainError("amount", "核定金额须大于零", "the approved amount must be positive")
    if amount > application.entitlement:
        raise DomainError(
            "amount",
            f"核定金额不得超过可获补贴 {application.entitlement} 元",
            f"the approved amount may not exceed the entitlement of {application.entitlement} yuan",
        )
