"""Properties of the entitlement that must hold for any contract, rate and limits."""

import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.rules.builders import document, facts
from vouchers.rules import evaluate

FEN = Decimal("0.01")
amounts = st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2)
rates = st.decimals(min_value=Decimal("0.0001"), max_value=1, places=4)


@given(value=amounts, rate=rates, cap=st.none() | amounts, budget=amounts)
def test_the_entitlement_never_exceeds_rate_times_value_the_cap_or_the_budget(
    value, rate, cap, budget
):
    evaluation = evaluate(
        document(tiers=[{"rate": f"{rate:f}", "when": {}}]),
        facts(
            contract={"value": value},
            terms={"min_award": None},
            context={"remaining_cap": cap, "remaining_budget": budget},
        ),
    )
    entitlement = evaluation.entitlement
    assert entitlement.as_tuple().exponent == -2  # exactly fen
    assert 0 <= entitlement <= rate * value
    assert entitlement <= budget
    assert cap is None or entitlement <= cap
    if evaluation.eligible:  # rounded down, but never by a whole fen
        exact = min(rate * value, budget, cap if cap is not None else budget)
        assert exact - entitlement < FEN


@given(rates=st.lists(rates, min_size=1, max_size=5), seed=st.integers())
def test_the_highest_tier_counts_whatever_the_order_of_the_tiers(rates, seed):
    tiers = [{"rate": f"{rate:f}", "when": {}} for rate in rates]
    shuffled = random.Random(seed).sample(tiers, len(tiers))
    evaluation = evaluate(document(tiers=shuffled), facts())
    assert evaluation.rate == max(rates)
