"""Rate tiers: which tiers apply to an application, and the one that counts.

A tier's `when` names facts that must all match; `{}` matches every application.  Where
several tiers apply only the highest counts (e.g. Langfang: 50%, 60% for major projects).
"""

from collections.abc import Callable
from decimal import Decimal

from vouchers.money import to_decimal
from vouchers.rules.facts import Facts

# The facts a tier may be conditioned on, by the key used in `when`.
CONDITIONS: dict[str, Callable[[Facts], object]] = {
    "accelerator_origin": lambda facts: facts.contract.accelerator_origin,
    "is_startup": lambda facts: facts.applicant.is_startup,
    "project_class": lambda facts: facts.contract.project_class,
    "filed_model_service": lambda facts: facts.contract.filed_model_service,
    "entity_kind": lambda facts: facts.applicant.kind,
}


def tier_applies(tier: dict, facts: Facts) -> bool:
    return all(CONDITIONS[key](facts) == wanted for key, wanted in tier["when"].items())


def highest_tier(tiers: list[dict], facts: Facts) -> dict | None:
    """The applicable tier with the highest rate; on a tie the first listed wins."""
    applicable = [tier for tier in tiers if tier_applies(tier, facts)]
    if not applicable:
        return None
    return max(applicable, key=tier_rate)


def tier_rate(tier: dict) -> Decimal:
    return to_decimal(tier["rate"])
