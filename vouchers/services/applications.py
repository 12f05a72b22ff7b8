"""Applications (申报): draft, submit, review. Approval commits budget atomically."""

from collections.abc import Callable
from datetime import date
from functools import cache

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts.permissions import is_own_work, require
from config import rows
from config.errors import DomainError
from vouchers.models import Application, CapUsage, Contract, LedgerAccount, Programme
from vouchers.money import MoneyError, share_of, yuan
from vouchers.services import audit, issuance, ledger
from vouchers.services.caps import WITHIN_LIMIT, cap_exceeded, cap_usage
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
            action="application.create",
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


def submit_application(*, application: Application, by) -> Application:
    """File the application under the rule version it was drafted with."""
    require(by, "vouchers.apply", application.entity)
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
    if not note.strip():
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


DECIDED = ("status", "entitlement", "approved_amount", "decided_by", "decided_at")


def approve_application(*, application: Application, by, amount=None) -> Application:
    """Approve, possibly for less than the entitlement recomputed now, and issue the voucher.

    One transaction, no lock taken before the first update: the application's row is
    read, then updated only if it is still as read (two reviewers cannot both approve
    it), then come the voucher's inserts, then the entity's cap row and the programme's
    available account last, with the COMMIT (see issuance.issue_voucher). Any refusal
    rolls back everything, the voucher included. Returns the application as approved."""
    if is_own_work(by, application):
        raise DomainError(
            "reviewer", "不能审批本单位或本人提交的申请", "nobody approves their own application"
        )
    require(by, "vouchers.review_application", application)
    programme = application.programme
    try:
        with transaction.atomic():
            refuse_if_disputed(application.contract_id)
            # Read without a lock: if the cap or the budget shrank in between, the
            # check constraints refuse the updates at the end.
            application, usage, available = _as_it_is_now(application)
            _require_state(application, application.approve)
            _require_limits_left(available, usage)
            entitlement = _entitlement_now(application, available, usage)
            amount = _approved_amount(programme, entitlement, amount)
            loaded = {"status": application.status, "submitted_at": application.submitted_at}
            before = {"status": application.status, "entitlement": application.entitlement}
            application.approve()
            application.entitlement, application.approved_amount = entitlement, amount
            application.decided_by, application.decided_at = by, timezone.now()
            if rows.update(application, DECIDED, unless_changed=loaded) != 1:
                raise _changed_since_loaded(application)
            approved = audit.event(
                actor=by,
                action="application.approve",
                obj=application,
                programme=programme,
                before=before,
                after={"status": application.status, "approved_amount": amount},
            )
            issuance.issue_voucher(
                application=application,
                by=by,
                today=_today(),
                available=available,
                usage=usage,
                audit_events=(approved,),
            )
    except IntegrityError as exc:
        if (refusal := _limit_reached(exc)) is None:
            raise
        raise refusal from exc
    return application


# What an approval reads of the application's row; the rest is deferred.
APPROVAL_READS = (
    *("status", "submitted_at", "rate", "entitlement", "voucher_kind"),
    *("programme", "entity", "contract"),
)


@cache
def _approval_read() -> tuple[str, Callable]:
    """One SELECT for all an approval decides on: the application's row, the entity's
    cap row in the programme (if any yet) and the programme's available account."""
    app, n_app, load_app = rows.columns(Application, APPROVAL_READS, "a")
    cap, n_cap, load_cap = rows.columns(CapUsage, (), "c")
    account, _, load_account = rows.columns(LedgerAccount, (), "l")

    def load(row) -> tuple:
        return (
            load_app(row[:n_app]),
            load_cap(row[n_app : n_app + n_cap]),
            load_account(row[n_app + n_cap :]),
        )

    sql = f"""
        SELECT {app}, {cap}, {account} FROM "vouchers_application" "a"
        LEFT JOIN "vouchers_capusage" "c"
            ON "c"."programme_id" = "a"."programme_id" AND "c"."entity_id" = "a"."entity_id"
        LEFT JOIN "vouchers_ledgeraccount" "l" ON "l"."key" = %s
        WHERE "a"."id" = %s
    """
    return sql, load


def _as_it_is_now(application: Application) -> tuple:
    """The application's row as it is now, with the caller's programme and contract
    (neither changes once an application is filed); the entity's cap row (None if the
    programme has no cap) and the programme's available account."""
    programme = application.programme
    sql, load = _approval_read()
    row = rows.fetchone(sql, [ledger.available_key(programme), application.pk])
    if row is None:
        raise Application.DoesNotExist(f"no application {application.pk}")
    current, usage, available = load(row)
    current.programme, current.contract = programme, application.contract
    if programme.annual_cap is None:
        usage = None
    elif usage is None:  # the entity's first approval in this programme
        usage = cap_usage(programme=programme, entity_id=current.entity_id)
    if available is None:
        raise ledger.never_funded(programme)
    return current, usage, available


def _changed_since_loaded(application: Application) -> DomainError:
    """Another reviewer decided it, or it was returned (and perhaps resubmitted), between
    our read and our update: say so, with its state now."""
    application.refresh_from_db(fields=[*DECIDED, "submitted_at"])
    if application.status != Application.Status.SUBMITTED:
        return _bad_state(application)
    return DomainError(
        "status",
        "申请刚被退回并重新提交，请重新审核",
        "the application was just returned and resubmitted: review it again",
        code="bad_state",
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


def _limit_reached(exc: IntegrityError) -> DomainError | None:
    """The reason for a refusal by a check constraint at the end of the approval: the
    cap or the budget (the one account an approval debits) shrank after it was read.
    None for any other integrity error: that is a bug, and stays what it is."""
    if WITHIN_LIMIT in str(exc):
        return cap_exceeded()
    if ledger.NO_OVERDRAFT in str(exc):
        return ledger.budget_exhausted()
    return None


def _approved_amount(programme: Programme, entitlement, requested):
    try:
        amount = entitlement if requested in (None, "") else yuan(requested)
    except MoneyError as exc:
        raise DomainError(
            "amount", "金额格式不正确", f"amount is not a valid yuan figure: {exc}"
        ) from exc
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
        action=f"application.{application.status}",
        obj=application,
        programme=application.programme_id,
        before={"status": before},
        after={"status": application.status, "note": application.review_note},
    )
