"""Compute contracts, as declared by the applicant entity."""

from django.db import transaction

from accounts.permissions import require
from audit import services as audit
from config.errors import clean_bilingual
from vouchers.models import Contract


def register_contract(*, entity, provider, by, **fields) -> Contract:
    """Validate every field (value positive, service period in order, number unique per
    provider) before writing anything."""
    require(by, "vouchers.apply", entity)
    contract = Contract(entity=entity, provider=provider, created_by=by, **fields)
    clean_bilingual(contract)
    with transaction.atomic():
        contract.save()
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
    return contract
