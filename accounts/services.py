"""Registering entities and providers, and the entity's dated declarations."""

from django.db import transaction

from accounts.models import Entity, EntityDeclaration, Provider
from accounts.permissions import require
from config.errors import clean_bilingual
from vouchers.services import audit


def register_entity(*, by=None, **fields) -> Entity:
    """Register an applicant; the credit code's check digit is verified first. `by` is the
    officer or self-registering user, recorded in the audit trail."""
    entity = Entity(**fields)
    entity.credit_code = Entity._meta.get_field("credit_code").to_python(entity.credit_code)
    clean_bilingual(entity)
    with transaction.atomic():
        entity.save()
        audit.record(
            actor=by,
            action="entity.register",
            obj=entity,
            after={"credit_code": entity.credit_code, "name": entity.name},
        )
    return entity


def register_provider(*, by=None, **fields) -> Provider:
    provider = Provider(**fields)
    provider.credit_code = Provider._meta.get_field("credit_code").to_python(provider.credit_code)
    clean_bilingual(provider)
    with transaction.atomic():
        provider.save()
        audit.record(
            actor=by,
            action="provider.register",
            obj=provider,
            after={"credit_code": provider.credit_code, "name": provider.name},
        )
    return provider


def declare_profile(*, entity: Entity, by, **fields) -> EntityDeclaration:
    """Add a dated declaration; older ones stay as history."""
    require(by, "vouchers.apply", entity)
    declaration = EntityDeclaration(entity=entity, declared_by=by, **fields)
    clean_bilingual(declaration)
    with transaction.atomic():
        declaration.save()
        audit.record(
            actor=by,
            action="entity.declare",
            obj=declaration,
            after={
                k: getattr(declaration, k)
                for k in (
                    "declared_on",
                    "fiscal_year",
                    "registered_region",
                    "industry",
                    "employees",
                    "prior_year_revenue",
                    "is_startup",
                )
            },
        )
    return declaration
