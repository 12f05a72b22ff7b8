"""Compute contracts, as declared by the applicant entity."""

from django.db import IntegrityError, transaction

from accounts.permissions import require
from audit import services as audit
from config.errors import DomainError, clean_bilingual
from vouchers.models import Contract


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
        action="contract.register",
        obj=contract,
        after={
            "number": contract.number,
            "value": contract.value,
            "service_start": contract.service_start,
            "service_end": contract.service_end,
        },
    )
