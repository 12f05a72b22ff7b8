"""Rate tiers: every condition must match, the highest applicable tier counts, and the
programme's claim-share cap can only lower it."""

from decimal import Decimal

from tests.rules.builders import document, facts
from vouchers.rules import evaluate

# Hangzhou 2024: 30% for domestic compute or a filed model service, 20% otherwise.
HANGZHOU = [
    {"rate": "0.20", "when": {}},
    {
        "rate": "0.30",
        "when": {"accelerator_origin": "domestic"},
        "label_zh": "国产算力",
        "label_en": "domestic compute",
    },
    {"rate": "0.30", "when": {"filed_model_service": True}},
]


def rate_of(tiers: list, **changes):
    evaluation = evaluate(document(tiers=tiers), facts(**changes))
    return evaluation.rate, evaluation.results[-2]


def test_the_highest_applicable_tier_wins_whatever_its_position():
    rate, result = rate_of(HANGZHOU)
    assert rate == Decimal("0.30")
    assert result.passed
    assert result.reason_zh == "适用「国产算力」档，补贴比例 30%"
    assert result.reason_en == "the domestic compute tier applies: 30%"
    assert result.figures["tier"] == "domestic compute"


def test_a_foreign_compute_contract_gets_the_default_tier():
    rate, result = rate_of(HANGZHOU, contract={"accelerator_origin": "foreign"})
    assert rate == Decimal("0.20")
    assert result.reason_en == "a rate of 20% applies"


def test_a_filed_model_service_on_foreign_compute_gets_the_higher_tier():
    rate, _ = rate_of(
        HANGZHOU, contract={"accelerator_origin": "foreign", "filed_model_service": True}
    )
    assert rate == Decimal("0.30")


def test_startups_and_major_projects_get_their_higher_rates():
    shenzhen = [{"rate": "0.50", "when": {}}, {"rate": "0.60", "when": {"is_startup": True}}]
    langfang = [{"rate": "0.60", "when": {"project_class": "major"}}, {"rate": "0.50", "when": {}}]
    assert rate_of(shenzhen)[0] == Decimal("0.50")
    assert rate_of(shenzhen, applicant={"is_startup": True})[0] == Decimal("0.60")
    assert rate_of(langfang)[0] == Decimal("0.50")
    assert rate_of(langfang, contract={"project_class": "major"})[0] == Decimal("0.60")


def test_a_tier_applies_only_when_all_its_conditions_match():
    tiers = [
        {"rate": "0.40", "when": {"accelerator_origin": "domestic", "entity_kind": "university"}},
        {"rate": "0.20", "when": {}},
    ]
    assert rate_of(tiers)[0] == Decimal("0.20")
    assert rate_of(tiers, applicant={"kind": "university"})[0] == Decimal("0.40")


def test_no_applicable_tier_makes_the_application_ineligible():
    tiers = [{"rate": "0.30", "when": {"accelerator_origin": "domestic"}}]
    evaluation = evaluate(document(tiers=tiers), facts(contract={"accelerator_origin": "foreign"}))
    rate_result = evaluation.results[-2]
    assert rate_result.kind == "rate" and not rate_result.passed
    assert rate_result.reason_en == "no rate tier applies to this application"
    assert evaluation.rate == Decimal("0.00")
    assert not evaluation.eligible
    assert evaluation.entitlement == Decimal("0.00")


def test_the_claim_share_cap_lowers_the_rate_and_the_entitlement():
    evaluation = evaluate(document(), facts(terms={"claim_share_cap": Decimal("0.20")}))
    assert evaluation.rate == Decimal("0.20")
    assert evaluation.entitlement == Decimal("80000.00")  # 20% of 400,000.00
    rate_result = evaluation.results[-2]
    assert "capped at the programme's claim share of 20%" in rate_result.reason_en
    assert rate_result.figures == {"tier_rate": "0.50", "claim_share_cap": "0.20", "rate": "0.20"}


def test_a_claim_share_cap_above_the_tier_does_not_raise_the_rate():
    evaluation = evaluate(document(), facts(terms={"claim_share_cap": Decimal("0.60")}))
    assert evaluation.rate == Decimal("0.50")
    assert "capped" not in evaluation.results[-2].reason_en
