"""The per-entity annual cap: approved, not-yet-released amounts of an entity in a
programme (its year), vouchers still in public notice included."""

from decimal import Decimal

from config import rows
from config.errors import DomainError
from vouchers.models import CapUsage, Programme


def cap_usage(*, programme: Programme, entity_id: int) -> CapUsage | None:
    """The entity's cap row in this programme (created empty on first use), or None when
    the programme has no per-entity cap."""
    if programme.annual_cap is None:
        return None
    usage = rows.get(CapUsage, programme_id=programme.pk, entity_id=entity_id)
    if usage is None:  # the entity's first approval: the unique constraint settles a race
        usage, _ = CapUsage.objects.get_or_create(
            programme=programme, entity_id=entity_id, defaults={"limit": programme.annual_cap}
        )
    return usage


def cap_exceeded() -> DomainError:
    return DomainError(
        "amount", "超过单位年度补贴上限", "exceeds the entity's annual cap", code="cap_exceeded"
    )


# The check constraint cap_used_within_limit refuses a use beyond the limit; the row lock
# the UPDATE takes serialises two approvals for the same entity. ROUND(..., 2) is a no-op
# on PostgreSQL and keeps SQLite's float arithmetic on the exact fen.
WITHIN_LIMIT = "cap_used_within_limit"


def reserving(usage: CapUsage | None, amount: Decimal) -> list[tuple[str, list]]:
    """The statement that uses `amount` of the cap (none if the programme has no cap);
    it fails on WITHIN_LIMIT if the amount does not fit."""
    if usage is None:
        return []
    sql = 'UPDATE "vouchers_capusage" SET "used" = ROUND("used" + %s, 2) WHERE "id" = %s'
    return [(sql, [amount, usage.pk])]


def release_cap(*, programme: Programme, entity_id: int, amount: Decimal) -> None:
    if programme.annual_cap is None or amount <= 0:
        return
    rows.execute(
        'UPDATE "vouchers_capusage" SET "used" = ROUND("used" - %s, 2)'
        ' WHERE "programme_id" = %s AND "entity_id" = %s',
        [amount, programme.pk, entity_id],
    )
