"""The per-entity annual cap: approved, not-yet-released amounts of an entity in a
programme (its year), vouchers still in public notice included."""

from decimal import Decimal

from django.db.models import F

from config.errors import DomainError
from vouchers.models import CapUsage, Programme


def reserve_cap(*, programme: Programme, entity_id: int, amount: Decimal) -> None:
    """Use `amount` of the cap. A conditional UPDATE, so two approvals for the same
    entity at once cannot both fit under the limit (the row lock serialises them)."""
    if programme.annual_cap is None:
        return
    usage, _ = CapUsage.objects.get_or_create(
        programme=programme, entity_id=entity_id, defaults={"limit": programme.annual_cap}
    )
    fits = CapUsage.objects.filter(pk=usage.pk, used__lte=F("limit") - amount)
    if fits.update(used=F("used") + amount) != 1:
        raise DomainError(
            "amount", "超过单位年度补贴上限", "exceeds the entity's annual cap", code="cap_exceeded"
        )


def release_cap(*, programme: Programme, entity_id: int, amount: Decimal) -> None:
    if programme.annual_cap is None or amount <= 0:
        return
    CapUsage.objects.filter(programme=programme, entity_id=entity_id).update(
        used=F("used") - amount
    )
