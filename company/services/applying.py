"""Applying from the portal: a contract and its draft together, and revising a draft or
a returned application before it is (re)submitted. The rules stay in vouchers.services."""

from django.db import IntegrityError, transaction

from accounts.permissions import require
from audit import actions
from audit import services as audit
from config.errors import DomainError, clean_bilingual
from vouchers.models import Application
from vouchers.services.applications import create_application
from vouchers.services.contracts import register_contract
from vouchers.services.evaluation import evaluate_application, trace

EDITABLE = (Application.Status.DRAFT, Application.Status.RETURNED)
CONTRACT_FIELDS = (
    "provider",
    "number",
    "signed_on",
    "service_start",
    "service_end",
    "value",
    "accelerator_origin",
    "accelerator_hours",
    "purpose",
)


def start_application(*, entity, programme, by, contract_values: dict) -> Application:
    """Register the contract and draft the application in one transaction: a refused
    draft leaves no orphan contract behind."""
    values = dict(contract_values)
    provider = values.pop("provider")
    try:
        with transaction.atomic():
            contract = register_contract(entity=entity, provider=provider, by=by, **values)
            return create_application(entity=entity, contract=contract, programme=programme, by=by)
    except IntegrityError as exc:
        raise DomainError(
            "number",
            "该服务商已有此编号的合同",
            "this provider already has a contract with this number",
        ) from exc


def revise_application(*, application: Application, by, contract_values: dict) -> Application:
    """Change the contract of a draft or returned application and judge it again. A
    submitted (or decided) application cannot be edited."""
    require(by, "vouchers.apply", application.entity)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("contract", "programme", "entity", "declaration")
            .get(pk=application.pk)
        )
        if application.status not in EDITABLE:
            raise DomainError(
                "status",
                f"当前状态（{application.get_status_display()}）不允许修改",
                f"an application that is {application.status} cannot be edited",
                code="bad_state",
            )
        contract = application.contract
        if contract.applications.exclude(pk=application.pk).exists():
            raise DomainError(
                "number",
                "该合同已用于其他申请，不能修改",
                "this contract belongs to another application too and cannot be changed",
            )
        before = {name: getattr(contract, name) for name in CONTRACT_FIELDS}
        for name, value in contract_values.items():
            setattr(contract, name, value)
        clean_bilingual(contract)
        contract.save()
        after = {name: getattr(contract, name) for name in CONTRACT_FIELDS}
        audit.record(
            actor=by,
            action=actions.CONTRACT_REVISE,
            obj=contract,
            before={k: _plain(v) for k, v in before.items()},
            after={k: _plain(v) for k, v in after.items()},
        )
        _judge_again(application)
    return application


def _plain(value):
    return getattr(value, "pk", value)


def _judge_again(application: Application) -> None:
    """The draft shows the judgement of the revised contract; submitting judges again."""
    evaluation = evaluate_application(application, today=_today())
    application.evaluation = trace(evaluation)
    application.eligible, application.rate = evaluation.eligible, evaluation.rate
    application.entitlement = evaluation.entitlement
    application.save(update_fields=["evaluation", "eligible", "rate", "entitlement"])


def _today():
    from django.utils import timezone

    return timezone.localdate()
