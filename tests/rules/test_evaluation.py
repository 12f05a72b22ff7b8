"""The entitlement arithmetic and what an evaluation reports."""

from decimal import Decimal

import pytest

from tests.rules.builders import CHENGDU_2024, document, facts
from vouchers.rules import RuleSetInvalid, evaluate


def entitlement_of(value: str, rate: str = "0.50", **changes):
    tiers = [{"rate": rate, "when": {}}]
    changes.setdefault("contract", {})["value"] = Decimal(value)
    return evaluate(document(tiers=tiers), facts(**changes))


def test_the_eligible_chengdu_company_gets_half_its_contract():
    evaluation = evaluate(CHENGDU_2024, facts())
    assert evaluation.eligible
    assert evaluation.failures == ()
    assert evaluation.rate == Decimal("0.50")
    assert evaluation.entitlement == Decimal("200000.00")


def test_every_rule_is_reported_in_document_order_then_rate_and_entitlement():
    evaluation = evaluate(CHENGDU_2024, facts())
    kinds = [result.kind for result in evaluation.results]
    assert kinds == [rule["kind"] for rule in CHENGDU_2024["rules"]] + ["rate", "entitlement"]


def test_half_of_33333_33_is_rounded_down_to_16666_66():
    evaluation = entitlement_of("33333.33", terms={"min_award": None})
    assert evaluation.entitlement == Decimal("16666.66")
    assert evaluation.results[-1].figures["base"] == "16666.66"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.05", "0.01"),  # 0.015 yuan: the half fen is not paid
        ("33333.35", "10000.00"),  # 10,000.005
        ("0.07", "0.02"),  # 0.021
    ],
)
def test_thirty_percent_is_rounded_down_to_the_fen(value, expected):
    evaluation = entitlement_of(value, rate="0.3", terms={"min_award": None})
    assert evaluation.eligible
    assert evaluation.entitlement == Decimal(expected)


def test_an_amount_that_rounds_down_to_nothing_is_ineligible():
    evaluation = entitlement_of("0.03", rate="0.30", terms={"min_award": None})
    assert not evaluation.eligible
    assert evaluation.results[-1].reason_en.endswith("nothing can be paid")


def test_an_entitlement_of_exactly_the_minimum_award_passes():
    evaluation = entitlement_of("20000.00")
    assert evaluation.eligible
    assert evaluation.entitlement == Decimal("10000.00")


@pytest.mark.parametrize("value", ["19999.98", "19999.99"])  # 9,999.99 and 9,999.995
def test_an_entitlement_one_fen_below_the_minimum_award_fails(value):
    evaluation = entitlement_of(value)
    result = evaluation.results[-1]
    assert not result.passed
    assert result.figures["entitlement"] == "9999.99"
    assert result.reason_zh.endswith("可获补贴 9,999.99 元，低于最低补贴额 10,000.00 元")
    assert evaluation.entitlement == Decimal("0.00")


def test_the_remaining_annual_cap_limits_the_entitlement():
    evaluation = entitlement_of("400000.00", context={"remaining_cap": Decimal("150000.00")})
    assert evaluation.entitlement == Decimal("150000.00")
    result = evaluation.results[-1]
    assert "limited by the applicant's remaining annual cap of 150,000.00 yuan" in result.reason_en
    assert result.figures == {
        "contract_value": "400000.00",
        "rate": "0.50",
        "base": "200000.00",
        "remaining_budget": "10000000.00",
        "remaining_cap": "150000.00",
        "min_award": "10000.00",
        "entitlement": "150000.00",
    }


def test_the_remaining_budget_limits_the_entitlement():
    evaluation = entitlement_of("400000.00", context={"remaining_budget": Decimal("120000.50")})
    assert evaluation.entitlement == Decimal("120000.50")
    assert "受项目剩余预算 120,000.50 元限制" in evaluation.results[-1].reason_zh


def test_without_a_per_entity_cap_only_the_budget_limits():
    evaluation = entitlement_of("4000000.00", context={"remaining_cap": None})
    assert evaluation.entitlement == Decimal("2000000.00")
    assert "remaining_cap" not in evaluation.results[-1].figures


def test_an_exhausted_budget_leaves_nothing_to_award():
    evaluation = entitlement_of("400000.00", context={"remaining_budget": Decimal("0.00")})
    assert not evaluation.eligible
    assert evaluation.entitlement == Decimal("0.00")


def test_a_remaining_cap_below_the_minimum_award_is_ineligible():
    evaluation = entitlement_of("400000.00", context={"remaining_cap": Decimal("5000.00")})
    assert not evaluation.eligible
    assert "below the minimum award" in evaluation.results[-1].reason_en


def test_several_failures_are_all_reported():
    evaluation = evaluate(
        CHENGDU_2024,
        facts(
            applicant={"registered_region": "520100", "prior_year_revenue": Decimal("9999999.99")},
            contract={"provider_id": 9, "value": Decimal("10000.00")},
        ),
    )
    failed = [result.kind for result in evaluation.failures]
    assert failed == ["registered_region", "revenue_floor", "designated_provider", "entitlement"]
    assert not evaluation.eligible
    assert evaluation.entitlement == Decimal("0.00")
    assert evaluation.rate == Decimal("0.50")


def test_a_failed_rule_makes_an_otherwise_payable_application_ineligible():
    evaluation = evaluate(CHENGDU_2024, facts(context={"contract_subsidised_elsewhere": True}))
    assert [result.kind for result in evaluation.failures] == ["one_subsidy_per_contract"]
    assert evaluation.results[-1].passed  # the amount itself was fine
    assert evaluation.entitlement == Decimal("0.00")


def test_an_invalid_document_is_refused_before_anything_is_judged():
    with pytest.raises(RuleSetInvalid) as caught:
        evaluate({"rules": [{"kind": "revenue_floor"}], "rate_tiers": []}, facts())
    assert [path for path, _, _ in caught.value.errors] == ["rate_tiers", "rules[0].min_revenue"]


def test_evaluation_leaves_the_document_unchanged():
    tiers = [{"rate": "0.5", "when": {}}]
    before = document({"kind": "revenue_floor", "min_revenue": "10000000"}, tiers=tiers)
    snapshot = repr(before)
    evaluate(before, facts())
    assert repr(before) == snapshot
