"""Registering entities and providers, and the entity's dated declarations."""

from django.db import transaction

from accounts.models import DECLARED_FIELDS, Entity, EntityDeclaration, Provider
from accounts.permissions import require
from audit import actions
from audit import services as audit
from config.errors import clean_bilingual


def register_entity(*, by=None, **fields) -> Entity:
    """Register an applicant. `by` is the officer or self-registering user, recorded in
    the audit trail."""
    return _register(Entity, by, fields)


def register_provider(*, by=None, **fields) -> Provider:
    return _register(Provider, by, fields)


def _register(model, by, fields):
    """Validate every field, the credit code's check digit included, before writing."""
    organisation = model(**fields)
    credit_code = model._meta.get_field("credit_code")
    organisation.credit_code = credit_code.to_python(organisation.credit_code)
    clean_bilingual(organisation)
    with transaction.atomic():
        organisation.save()
        audit.record(
            actor=by,
            action=actions.REGISTER_BY_MODEL[model._meta.model_name],
            obj=organisation,
            after={"credit_code": organisation.credit_code, "name": organisation.name},
        )
    return organisation


def declare_profile(*, entity: Entity, by, **fields) -> EntityDeclaration:
    """Add a dated declaration; older ones stay as history."""
    require(by, "vouchers.apply", entity)
    declaration = EntityDeclaration(entity=entity, declared_by=by, **fields)
    clean_bilingual(declaration)
    with transaction.atomic():
        declaration.save()
        audit.record(
            actor=by,
            action=actions.ENTITY_DECLARE,
            obj=declaration,
            after={k: getattr(declaration, k) for k in DECLARED_FIELDS},
        )
    return declaration
