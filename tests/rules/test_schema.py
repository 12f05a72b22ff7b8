"""validate_ruleset: a good document comes back normalised; a bad one is refused with
every problem named by its JSON path."""

import copy

import pytest
from jsonschema import Draft202012Validator

from config.errors import DomainError
from tests.rules.builders import CHENGDU_2024, document
from vouchers.rules import RULE_KINDS, RuleSetInvalid, validate_ruleset
from vouchers.rules.rates import CONDITIONS
from vouchers.rules.schema import PARAMS, SCHEMA, TIER_CONDITIONS

TIER = {"rate": "0.50", "when": {}}

EVERY_KIND = document(
    {"kind": "revenue_floor", "min_revenue": "10000000"},
    {"kind": "entity_kinds", "allowed": ["enterprise", "university"]},
    {"kind": "registered_region", "scope": "local", "regions": ["5101", "52"]},
    {"kind": "size_class", "allowed": ["small", "micro"]},
    {"kind": "startup"},
    {"kind": "industries", "allowed": ["65", "C"]},
    {"kind": "designated_provider"},
    {"kind": "not_related_party"},
    {
        "kind": "contract_window",
        "signed_from": "2023-09-01",
        "signed_to": "2023-09-01",
        "max_term_months": 12,
    },
    {"kind": "one_subsidy_per_contract"},
    {"kind": "no_dishonesty", "years": 0},
    {"kind": "purposes", "allowed": ["model_training", "model_inference"]},
    {"kind": "service_categories", "allowed": ["compute_service"]},
    {"kind": "contract_paid"},
    tiers=[
        {
            "rate": "0.3",
            "when": {"accelerator_origin": "domestic", "is_startup": True},
            "label_zh": "国产",
            "label_en": "domestic",
        },
        {
            "rate": "0.125",
            "when": {
                "project_class": "major",
                "filed_model_service": False,
                "entity_kind": "university",
            },
        },
        {"rate": "1", "when": {}},
    ],
)


def errors_of(document) -> list[str]:
    """The paths of every error validate_ruleset reports."""
    with pytest.raises(RuleSetInvalid) as caught:
        validate_ruleset(document)
    return [path for path, _, _ in caught.value.errors]


def with_rule(rule: dict) -> dict:
    return document(rule, tiers=[TIER])


def test_the_schema_is_valid_draft_2020_12_and_knows_every_rule_kind_and_condition():
    Draft202012Validator.check_schema(SCHEMA)
    assert set(PARAMS) == set(RULE_KINDS)
    assert set(TIER_CONDITIONS) == set(CONDITIONS)


def test_a_document_using_every_kind_is_accepted():
    assert len(validate_ruleset(EVERY_KIND)["rules"]) == len(RULE_KINDS)


def test_an_empty_rule_list_with_one_tier_is_accepted():
    assert validate_ruleset(document())["rules"] == []


def test_rates_and_amounts_come_back_in_canonical_form():
    normal = validate_ruleset(EVERY_KIND)
    assert normal["rules"][0]["min_revenue"] == "10000000.00"
    assert [tier["rate"] for tier in normal["rate_tiers"]] == ["0.30", "0.125", "1.00"]
    assert (
        validate_ruleset(document(tiers=[{"rate": "0.5000", "when": {}}]))["rate_tiers"][0]["rate"]
        == "0.50"
    )


def test_validation_returns_a_copy_and_leaves_the_input_alone():
    original = copy.deepcopy(EVERY_KIND)
    normal = validate_ruleset(EVERY_KIND)
    normal["rules"][1]["allowed"].append("research_institute")
    assert original == EVERY_KIND


def test_a_normalised_document_validates_to_itself():
    normal = validate_ruleset(CHENGDU_2024)
    assert validate_ruleset(normal) == normal


@pytest.mark.parametrize("bad", [[], "rules", None, 42])
def test_a_document_that_is_not_an_object_is_refused(bad):
    with pytest.raises(RuleSetInvalid) as caught:
        validate_ruleset(bad)
    assert caught.value.errors == [("document", "应为对象", "must be an object")]


@pytest.mark.parametrize(
    ("bad", "path"),
    [
        ({"rate_tiers": [TIER]}, "rules"),
        ({"rules": []}, "rate_tiers"),
        ({"rules": [], "rate_tiers": []}, "rate_tiers"),
        ({"rules": [], "rate_tiers": [TIER], "rate_tier": []}, "rate_tier"),
        ({"rules": {}, "rate_tiers": [TIER]}, "rules"),
    ],
)
def test_a_document_missing_or_misnaming_its_parts_is_refused(bad, path):
    assert errors_of(bad) == [path]


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("revenue_floor", "rules[0]"),
        ({}, "rules[0].kind"),
        ({"kind": "revenue_ceiling"}, "rules[0].kind"),
        ({"kind": "revenue_floor"}, "rules[0].min_revenue"),
        ({"kind": "revenue_floor", "min_revenue": 10000000}, "rules[0].min_revenue"),
        ({"kind": "revenue_floor", "min_revenue": "ten million"}, "rules[0].min_revenue"),
        ({"kind": "revenue_floor", "min_revenue": "-1.00"}, "rules[0].min_revenue"),
        ({"kind": "revenue_floor", "min_revenue": "1.001"}, "rules[0].min_revenue"),
        ({"kind": "revenue_floor", "min_revenue": "1" * 20}, "rules[0].min_revenue"),
        ({"kind": "revenue_floor", "min_revenue": "1", "max_revenue": "2"}, "rules[0].max_revenue"),
        ({"kind": "entity_kinds", "allowed": []}, "rules[0].allowed"),
        ({"kind": "entity_kinds", "allowed": ["company"]}, "rules[0].allowed[0]"),
        ({"kind": "entity_kinds", "allowed": ["university", "university"]}, "rules[0].allowed"),
        ({"kind": "registered_region", "scope": "local"}, "rules[0].regions"),
        ({"kind": "registered_region", "scope": "local", "regions": []}, "rules[0].regions"),
        ({"kind": "registered_region", "scope": "local", "regions": ["5"]}, "rules[0].regions[0]"),
        (
            {"kind": "registered_region", "scope": "local", "regions": ["51a1"]},
            "rules[0].regions[0]",
        ),
        (
            {"kind": "registered_region", "scope": "local", "regions": ["5101001"]},
            "rules[0].regions[0]",
        ),
        ({"kind": "registered_region", "scope": "any", "regions": ["5101"]}, "rules[0].regions"),
        ({"kind": "registered_region", "scope": "global"}, "rules[0].scope"),
        ({"kind": "size_class", "allowed": ["tiny"]}, "rules[0].allowed[0]"),
        ({"kind": "startup", "allowed": True}, "rules[0].allowed"),
        ({"kind": "industries", "allowed": []}, "rules[0].allowed"),
        ({"kind": "industries", "allowed": [""]}, "rules[0].allowed[0]"),
        ({"kind": "industries", "allowed": ["software_it"]}, "rules[0].allowed[0]"),
        ({"kind": "industries", "allowed": ["65", "98"]}, "rules[0].allowed[1]"),
        ({"kind": "contract_window"}, "rules[0]"),
        ({"kind": "contract_window", "signed_from": "2024-02-30"}, "rules[0].signed_from"),
        ({"kind": "contract_window", "signed_to": "01/02/2024"}, "rules[0].signed_to"),
        (
            {"kind": "contract_window", "signed_from": "2024-02-01", "signed_to": "2024-01-31"},
            "rules[0].signed_from",
        ),
        ({"kind": "contract_window", "max_term_months": 0}, "rules[0].max_term_months"),
        ({"kind": "contract_window", "max_term_months": "12"}, "rules[0].max_term_months"),
        ({"kind": "contract_window", "max_term_months": True}, "rules[0].max_term_months"),
        ({"kind": "no_dishonesty"}, "rules[0].years"),
        ({"kind": "no_dishonesty", "years": -1}, "rules[0].years"),
        ({"kind": "no_dishonesty", "years": 2.5}, "rules[0].years"),
        ({"kind": "purposes", "allowed": ["training"]}, "rules[0].allowed[0]"),
        ({"kind": "service_categories", "allowed": "compute_service"}, "rules[0].allowed"),
    ],
)
def test_a_bad_rule_is_refused_naming_its_path(rule, path):
    assert errors_of(with_rule(rule)) == [path]


@pytest.mark.parametrize(
    ("tier", "path"),
    [
        ({"rate": "0", "when": {}}, "rate_tiers[0].rate"),
        ({"rate": "0.00", "when": {}}, "rate_tiers[0].rate"),
        ({"rate": "1.01", "when": {}}, "rate_tiers[0].rate"),
        ({"rate": "0.12345", "when": {}}, "rate_tiers[0].rate"),
        ({"rate": 0.3, "when": {}}, "rate_tiers[0].rate"),
        ({"rate": "30%", "when": {}}, "rate_tiers[0].rate"),
        ({"rate": "0.30"}, "rate_tiers[0].when"),
        ({"when": {}}, "rate_tiers[0].rate"),
        ({"rate": "0.30", "when": {"region": "5101"}}, "rate_tiers[0].when.region"),
        (
            {"rate": "0.30", "when": {"accelerator_origin": "imported"}},
            "rate_tiers[0].when.accelerator_origin",
        ),
        ({"rate": "0.30", "when": {"is_startup": "yes"}}, "rate_tiers[0].when.is_startup"),
        ({"rate": "0.30", "when": {"entity_kind": "company"}}, "rate_tiers[0].when.entity_kind"),
        ({"rate": "0.30", "when": {}, "label_zh": 5}, "rate_tiers[0].label_zh"),
        ({"rate": "0.30", "when": {}, "note": ""}, "rate_tiers[0].note"),
    ],
)
def test_a_bad_rate_tier_is_refused_naming_its_path(tier, path):
    assert errors_of(document(tiers=[tier])) == [path]


def test_a_repeated_rule_kind_is_refused_at_the_repeat():
    rules = [{"kind": "startup"}, {"kind": "contract_paid"}, {"kind": "startup"}]
    with pytest.raises(RuleSetInvalid) as caught:
        validate_ruleset({"rules": rules, "rate_tiers": [TIER]})
    assert caught.value.errors == [
        ("rules[2].kind", "规则类型重复，rules[0] 已使用", "repeats rules[0]'s kind")
    ]


def test_every_error_is_collected_and_listed_in_both_languages():
    bad = {
        "rules": [
            {"kind": "revenue_floor"},
            {"kind": "contract_window", "signed_from": "2024-02-01", "signed_to": "2024-01-31"},
            {"kind": "revenue_floor", "min_revenue": "1.001"},
        ],
        "rate_tiers": [{"rate": "1.5", "when": {}}],
    }
    with pytest.raises(RuleSetInvalid) as caught:
        validate_ruleset(bad)
    error = caught.value
    assert isinstance(error, DomainError)
    assert error.field == "document"
    assert [path for path, _, _ in error.errors] == [
        "rules[0].min_revenue",
        "rules[2].kind",
        "rules[1].signed_from",
        "rules[2].min_revenue",
        "rate_tiers[0].rate",
    ]
    assert error.errors[0] == ("rules[0].min_revenue", "缺少必填项", "is required")
    for path, zh, en in error.errors:
        assert f"{path} {zh}" in error.zh and f"{path} {en}" in error.en
        assert path in error.message
    assert error.zh.startswith("规则集有 5 处错误")
