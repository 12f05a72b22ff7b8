"""The per-entity annual cap: approved, not-yet-released amounts of an entity in a
programme (its year), vouchers still in public notice included."""

from decimal import Decimal

from django.db.models import F

from config.errors import DomainError
from vouchers.models import CapUsage, Programme
from vouchers.models.fields import sql_money


def cap_usage(*, programme: Programme, entity_id: int) -> CapUsage | None:
    """The entity's cap row in this programme (created empty on first use), or None when
    the programme has no per-entity cap."""
    if programme.annual_cap is None:
        return None
    usage, _ = CapUsage.objects.get_or_create(
        programme=programme, entity_id=entity_id, defaults={"limit": programme.annual_cap}
    )
    return usage


def reserve_cap(*, usage: CapUsage | None, amount: Decimal) -> None:
    """Use `amount` of the cap. A conditional UPDATE, so two approvals for the same
    entity at once cannot both fit under the limit (the row lock serialises them)."""
    if usage is None:
        return
    after = sql_money(F("used") + amount)
    fits = CapUsage.objects.alias(after=after).filter(pk=usage.pk, after__lte=F("limit"))
    if fits.update(used=after) != 1:
        raise DomainError(
            "amount", "超过单位年度补贴上限", "exceeds the entity's annual cap", code="cap_exceeded"
        )


def release_cap(*, programme: Programme, entity_id: int, amount: Decimal) -> None:
    if programme.annual_cap is None or amount <= 0:
        return
    CapUsage.objects.filter(programme=programme, entity_id=entity_id).update(
        used=sql_money(F("used") - amount)
    )
