"""The per-entity annual cap: approved, not-yet-released amounts of an entity in a
programme (its year), vouchers still in public notice included. The cap row is locked
here; its use moves only through the ledger (vouchers/services/ledger.py use_cap and
release_cap)."""

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
