"""Compute contracts, as declared by the applicant entity."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import require
from audit import actions
from audit import services as audit
from config.errors import DomainError, clean_bilingual, clean_text
from vouchers.models import Contract, Voucher
from vouchers.money import parse_yuan


def register_contract(*, entity, provider, by, **fields) -> Contract:
    """Validate every field (value positive, service period in order, number unique per
    provider) before writing anything."""
    require(by, "vouchers.apply", entity)
    contract = Contract(entity=entity, provider=provider, created_by=by, **fields)
    clean_bilingual(contract)
    try:
        with transaction.atomic():
            contract.save()
            _audit_registration(contract, by)
    except IntegrityError as exc:
        # Two registrations of one number raced past clean(); the unique key refused one.
        # (SQLite names the columns, PostgreSQL the constraint.) Anything else is a bug.
        if not any(name in str(exc) for name in ("number_key", "contract_number_per_provider")):
            raise
        raise DomainError(
            "number", "该服务商已登记同一合同", "this provider already has the same contract"
        ) from exc
    return contract


def _audit_registration(contract: Contract, by) -> None:
    audit.record(
        actor=by,
        action=actions.CONTRACT_REGISTER,
        obj=contract,
        after={
            "number": contract.number,
            "value": contract.value,
            "service_start": contract.service_start,
            "service_end": contract.service_end,
        },
    )


def answer_contract(
    *,
    contract: Contract,
    confirmed: bool,
    value=None,
    service_start=None,
    service_end=None,
    note: str = "",
    by,
) -> Contract:
    """The provider confirms or disputes a contract an applicant declared.

    `by` is the provider's staff or its API client (anything holding
    `vouchers.answer_contract` on the contract). A confirmation without figures confirms
    the declared ones; a dispute needs a note, which the reviewer sees. Once a voucher is
    issued on the contract the answer can no longer change."""
    require(by, "vouchers.answer_contract", contract)
    clean_text(note, field="note")
    if not confirmed and not (note or "").strip():
        raise DomainError("note", "异议须说明理由", "a dispute needs a note saying why")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if Voucher.objects.filter(contract=contract).exists():
            raise DomainError(
                "contract",
                "该合同已发放算力券，不能再更改确认结果",
                "a voucher was issued on this contract: its answer can no longer change",
                code="contract_subsidised",
            )
        before = _answer(contract)
        _apply_answer(contract, confirmed, value, service_start, service_end, note)
        contract.save()
        audit.record(
            actor=by,
            action=actions.CONTRACT_BY_STATUS[contract.provider_status],
            obj=contract,
            before=before,
            after={**_answer(contract), "via": str(by)},
        )
    return contract


def _apply_answer(contract, confirmed, value, service_start, service_end, note) -> None:
    Status = Contract.ProviderStatus
    contract.provider_status = Status.CONFIRMED if confirmed else Status.DISPUTED
    contract.confirmed_value = _money("value", value, default=contract.value)
    contract.confirmed_start = service_start or contract.service_start
    contract.confirmed_end = service_end or contract.service_end
    if contract.confirmed_end < contract.confirmed_start:
        raise DomainError(
            "service_end", "服务结束日期早于开始日期", "service end is before service start"
        )
    contract.provider_note = (note or "").strip()
    contract.answered_at = timezone.now()


def _money(field: str, value, *, default):
    if value in (None, ""):
        return default
    amount = parse_yuan(value, field=field)
    if amount <= 0:
        raise DomainError(field, "金额须大于零", "the amount must be positive")
    return amount


def _answer(contract: Contract) -> dict:
    return {
        "provider_status": contract.provider_status,
        "confirmed_value": contract.confirmed_value,
        "confirmed_start": contract.confirmed_start,
        "confirmed_end": contract.confirmed_end,
        "note": contract.provider_note,
        "differs": contract.answer_differs,
    }


def refuse_if_disputed(contract_id: int) -> None:
    """An application on a contract its provider disputes cannot be approved. Called
    inside the approval's transaction, after the application's row lock. The contract's
    row is locked whatever its answer: a dispute sent during the approval then waits for
    the approval to commit, sees the voucher and is refused (answer_contract)."""
    status, number, note = (
        Contract.objects.select_for_update()
        .values_list("provider_status", "number", "provider_note")
        .get(pk=contract_id)
    )
    if status == Contract.ProviderStatus.DISPUTED:
        raise DomainError(
            "contract",
            f"服务商对合同 {number} 提出异议（{note}），不能批准",
            f"the provider disputes contract {number} ({note}): it cannot be approved",
            code="contract_disputed",
        )
