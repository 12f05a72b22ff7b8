"""Applications (申报): draft, submit, review. Approval commits budget atomically."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts.permissions import is_own_work, require
from audit import actions
from audit import services as audit
from config.errors import DomainError, clean_text
from vouchers.models import Application, Contract, Programme
from vouchers.money import parse_yuan, share_of
from vouchers.services import issuance, ledger, second_review
from vouchers.services.caps import cap_exceeded, lock_cap_usage
from vouchers.services.contracts import refuse_if_disputed
from vouchers.services.evaluation import evaluate_application, trace


def _today() -> date:
    return timezone.localdate()


def create_application(
    *, entity, contract, programme: Programme, by, voucher_kind: str = ""
) -> Application:
    """A draft, judged at once by the programme's current rules so the entity sees why."""
    require(by, "vouchers.apply", entity)
    if programme.status != Programme.Status.PUBLISHED:
        raise DomainError("programme", "项目未发布或已结束", "the programme is not open")
    if contract.entity_id != entity.pk:
        raise DomainError(
            "contract", "合同不属于该申报主体", "the contract belongs to another entity"
        )
    declaration = entity.current_declaration()
    if declaration is None:
        raise DomainError("declaration", "请先填报主体信息", "declare the entity's profile first")
    kind = _voucher_kind(programme, contract, voucher_kind)
    application = Application(
        programme=programme,
        ruleset=programme.current_ruleset(),
        entity=entity,
        contract=contract,
        declaration=declaration,
        voucher_kind=kind,
        created_by=by,
    )
    with transaction.atomic():
        _judge(application)
        application.save()
        audit.record(
            actor=by,
            action=actions.APPLICATION_CREATE,
            obj=application,
            programme=programme,
            after={"status": application.status, "entitlement": application.entitlement},
        )
    return application


# What each voucher kind may be spent on (brief: Guizhou's cash vouchers buy compute or
# data products, its in-kind vouchers buy local specialty goods).
VOUCHER_KIND_FOR_SPEND = {
    Contract.ServiceCategory.COMPUTE_SERVICE: Programme.VoucherKind.CASH_COMPUTE,
    Contract.ServiceCategory.DATA_PRODUCT: Programme.VoucherKind.CASH_DATA,
    Contract.ServiceCategory.SPECIALTY_GOODS: Programme.VoucherKind.IN_KIND,
}


def _voucher_kind(programme: Programme, contract: Contract, requested: str) -> str:
    kind = VOUCHER_KIND_FOR_SPEND[contract.service_category]
    if requested and requested != kind:
        raise DomainError(
            "voucher_kind",
            "券种与合同服务类别不符",
            f"a {requested} voucher cannot pay for {contract.service_category}",
        )
    if kind not in programme.voucher_kinds:
        raise DomainError(
            "voucher_kind",
            "该项目不发放此类券",
            f"this programme issues no {kind} vouchers",
        )
    return kind


def _judge(application: Application) -> None:
    evaluation = evaluate_application(application, today=_today())
    application.evaluation = trace(evaluation)
    application.eligible = evaluation.eligible
    application.rate = evaluation.rate
    application.entitlement = evaluation.entitlement


def _require_verified(entity) -> None:
    """A self-registered entity submits only once an officer has checked its licence.
    Read from the row, not the instance: an officer may have decided since it was loaded."""
    state, note = (
        type(entity)
        .objects.filter(pk=entity.pk)
        .values_list("verification", "verification_note")
        .get()
    )
    if state == entity.Verification.VERIFIED:
        return
    if state == entity.Verification.REFUSED:
        raise DomainError(
            "entity",
            f"主体核验未通过：{note}",
            f"the entity's verification was refused: {note}",
            code="entity_refused",
        )
    raise DomainError(
        "entity",
        "主体尚待核验：受理机构的工作人员核对营业执照后方可提交，草稿可先保存",
        "the entity awaits verification: an officer of the authority checks its business "
        "licence before it may submit; the draft is kept meanwhile",
        code="entity_unverified",
    )


def submit_application(*, application: Application, by) -> Application:
    """File the application under the rule version it was drafted with."""
    require(by, "vouchers.apply", application.entity)
    _require_verified(application.entity)
    programme = application.programme
    if programme.status != Programme.Status.PUBLISHED or not (
        programme.applications_open <= _today() <= programme.applications_close
    ):
        raise DomainError(
            "programme", "项目不在申报期内", "the programme is not open for applications"
        )
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        before = application.status
        _require_state(application, application.submit)
        _judge(application)
        if not application.eligible:
            failures = [r for r in application.evaluation["results"] if not r["passed"]]
            raise DomainError(
                "eligibility",
                "不符合申报条件：" + "；".join(r["reason_zh"] for r in failures),
                "not eligible: " + "; ".join(r["reason_en"] for r in failures),
            )
        application.submit()
        application.submitted_at = timezone.now()
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError as exc:
            raise DomainError(
                "contract",
                "该合同已有在审或已获补贴的申请",
                "this contract already has a live or subsidised application",
            ) from exc
        _audit_status(application, by, before)
    return application


def return_application(*, application: Application, by, note: str) -> Application:
    return _decide(application, by, note, application_transition="return_for_information")


def reject_application(*, application: Application, by, note: str) -> Application:
    if not clean_text(note, field="review_note").strip():
        raise DomainError("review_note", "驳回须说明理由", "a rejection needs a reason")
    return _decide(application, by, note, application_transition="reject")


def withdraw_application(*, application: Application, by) -> Application:
    require(by, "vouchers.apply", application.entity)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        before = application.status
        _require_state(application, application.withdraw)
        application.withdraw()
        application.save(update_fields=["status"])
        _audit_status(application, by, before)
    return application


def _decide(application, by, note, *, application_transition: str) -> Application:
    require(by, "vouchers.review_application", application)
    clean_text(note, field="review_note")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        before = application.status
        step = getattr(application, application_transition)
        _require_state(application, step)
        step()
        application.review_note, application.decided_by, application.decided_at = (
            note,
            by,
            timezone.now(),
        )
        application.save(update_fields=["status", "review_note", "decided_by", "decided_at"])
        _audit_status(application, by, before)
    return application


DECIDED = ("status", "entitlement", "approved_amount", "decided_by", "decided_at", "review_note")


def approve_application(
    *, application: Application, by, amount=None, note: str = ""
) -> Application:
    """Approve, possibly for less than the entitlement recomputed now, and issue the voucher.

    One transaction, locks in the lock order: the application's row, its contract's row
    (a provider's dispute waits, then finds the voucher issued), the entity's cap row,
    the programme's available account. Any refusal rolls back everything, the
    voucher included. Returns the application as approved."""
    if is_own_work(by, application):
        raise DomainError(
            "reviewer", "不能审批本单位或本人提交的申请", "nobody approves their own application"
        )
    require(by, "vouchers.review_application", application)
    with transaction.atomic():
        application = _lock_application(application)
        _require_state(application, application.approve)
        refuse_if_disputed(application.contract_id)
        programme = application.programme
        usage = lock_cap_usage(programme=programme, entity_id=application.entity_id)
        available = ledger.available_account(programme, lock=True)
        _require_limits_left(available, usage)
        entitlement = _entitlement_now(application, available, usage)
        amount = _approved_amount(programme, entitlement, amount)
        second_review.confirm_if_needed(application=application, by=by, amount=amount)
        before = {"status": application.status, "entitlement": application.entitlement}
        application.approve()
        application.entitlement, application.approved_amount = entitlement, amount
        application.review_note = note
        application.decided_by, application.decided_at = by, timezone.now()
        application.save(update_fields=DECIDED)
        audit.record(
            actor=by,
            action=actions.APPLICATION_APPROVE,
            obj=application,
            programme=programme,
            before=before,
            after={"status": application.status, "approved_amount": amount, "note": note},
        )
        issuance.issue_voucher(
            application=application, by=by, today=_today(), available=available, usage=usage
        )
    return application


def _lock_application(application: Application) -> Application:
    """The application's row, locked: first in the lock order."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme", "contract")
        .get(pk=application.pk)
    )


def _entitlement_now(application: Application, available, usage):
    """min(rate x contract value, remaining cap, remaining budget), as at this moment."""
    amounts = [share_of(application.contract.value, application.rate), available.balance]
    if usage is not None:
        amounts.append(usage.limit - usage.used)
    return min(amounts)


def _require_limits_left(available, usage) -> None:
    """Say which limit ran out, so the reviewer knows whether to wait for released budget
    or to tell the entity it has used its year's cap."""
    if available.balance <= 0:
        raise ledger.budget_exhausted()
    if usage is not None and usage.used >= usage.limit:
        raise cap_exceeded()


def _approved_amount(programme: Programme, entitlement, requested):
    amount = entitlement if requested in (None, "") else parse_yuan(requested, field="amount")
    if amount <= 0:
        raise DomainError("amount", "核定金额须大于零", "the approved amount must be positive")
    if amount > entitlement:
        raise DomainError(
            "amount",
            f"核定金额不得超过当前可获补贴 {entitlement} 元",
            f"the approved amount may not exceed the current entitlement of {entitlement} yuan",
        )
    if programme.min_award is not None and amount < programme.min_award:
        raise DomainError(
            "amount",
            f"核定金额低于最低补贴 {programme.min_award} 元",
            f"the approved amount is below the minimum award of {programme.min_award} yuan",
        )
    return amount


def _require_state(application: Application, step) -> None:
    if not can_proceed(step):
        raise _bad_state(application)


def _bad_state(application: Application) -> DomainError:
    return DomainError(
        "status",
        f"当前状态（{application.get_status_display()}）不允许此操作",
        f"not allowed while the application is {application.status}",
        code="bad_state",
    )


def _audit_status(application: Application, by, before: str) -> None:
    audit.record(
        actor=by,
        action=actions.APPLICATION_BY_STATUS[application.status],
        obj=application,
        programme=application.programme_id,
        before={"status": before},
        after={"status": application.status, "note": application.review_note},
    )
