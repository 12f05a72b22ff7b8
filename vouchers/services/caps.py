"""The per-entity annual cap: approved, not-yet-released amounts of an entity in a
programme (its year), vouchers still in public notice included."""

from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Round

from config.errors import DomainError
from vouchers.models import CapUsage, Programme


def lock_cap_usage(*, programme: Programme, entity_id: int) -> CapUsage | None:
    """The entity's cap row in this programme, locked (created empty on first use), or
    None when the programme has no per-entity cap. Second in the lock order, after the
    application or voucher row."""
    if programme.annual_cap is None:
        return None
    # get_or_create: the unique constraint settles two first approvals racing to create it.
    usage, _ = CapUsage.objects.select_for_update().get_or_create(
        programme=programme, entity_id=entity_id, defaults={"limit": programme.annual_cap}
    )
    return usage


def cap_exceeded() -> DomainError:
    return DomainError(
        "amount", "超过单位年度补贴上限", "exceeds the entity's annual cap", code="cap_exceeded"
    )


def use_cap(usage: CapUsage | None, amount: Decimal) -> None:
    """Use `amount` of the locked cap row (nothing if the programme has no cap). The check
    constraint cap_used_within_limit stays behind this check as the last line of defence."""
    if usage is None:
        return
    if usage.used + amount > usage.limit:
        raise cap_exceeded()
    # ROUND keeps SQLite, which stores decimals as binary floats, on the exact fen.
    CapUsage.objects.filter(pk=usage.pk).update(used=Round(F("used") + amount, 2))
    usage.used += amount


def release_cap(*, programme: Programme, entity_id: int, amount: Decimal) -> None:
    if programme.annual_cap is None or amount <= 0:
        return
    CapUsage.objects.filter(programme=programme, entity_id=entity_id).update(
        used=Round(F("used") - amount, 2)
    )
