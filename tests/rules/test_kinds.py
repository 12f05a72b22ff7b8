"""Each rule kind passes the eligible company and fails the case it exists for."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.rules.builders import COMPANY_CODE, PROVIDER_CODE, TODAY, document, facts
from vouchers.rules import RULE_KINDS, evaluate
from vouchers.rules.facts import RuleResult


def judge(rule: dict, **changes) -> RuleResult:
    """The result of `rule` alone for the eligible company with `changes`."""
    result = evaluate(document(rule), facts(**changes)).results[0]
    assert result.kind == rule["kind"]
    return result


def test_the_eligible_company_passes_every_kind():
    rules = {
        "revenue_floor": {"min_revenue": "10000000.00"},
        "entity_kinds": {"allowed": ["enterprise"]},
        "registered_region": {"scope": "local", "regions": ["5101"]},
        "size_class": {"allowed": ["medium", "small", "micro"]},
        "startup": {},
        "industries": {"allowed": ["65"]},
        "designated_provider": {},
        "not_related_party": {},
        "contract_window": {"signed_from": "2023-09-01", "max_term_months": 12},
        "one_subsidy_per_contract": {},
        "no_dishonesty": {"years": 3},
        "purposes": {"allowed": ["model_training"]},
        "service_categories": {"allowed": ["compute_service"]},
        "contract_paid": {},
    }
    assert set(rules) == set(RULE_KINDS)
    for kind, params in rules.items():
        result = judge({"kind": kind, **params}, applicant={"is_startup": True})
        assert result.passed, (kind, result.reason_en)


# revenue_floor


def test_revenue_exactly_at_the_floor_passes():
    result = judge(
        {"kind": "revenue_floor", "min_revenue": "10000000"},
        applicant={"prior_year_revenue": Decimal("10000000.00")},
    )
    assert result.passed
    assert result.figures == {"prior_year_revenue": "10000000.00", "min_revenue": "10000000.00"}


def test_revenue_one_fen_below_the_floor_fails_with_both_figures():
    result = judge(
        {"kind": "revenue_floor", "min_revenue": "10000000.00"},
        applicant={"prior_year_revenue": Decimal("9999999.99")},
    )
    assert not result.passed
    assert result.reason_zh == "上年度主营业务收入 9,999,999.99 元，低于门槛 10,000,000.00 元"
    assert result.reason_en == (
        "prior-year revenue 9,999,999.99 yuan is below the floor of 10,000,000.00 yuan"
    )
    assert result.figures == {"prior_year_revenue": "9999999.99", "min_revenue": "10000000.00"}


# entity_kinds


def test_an_allowed_entity_kind_passes():
    assert judge({"kind": "entity_kinds", "allowed": ["enterprise", "university"]}).passed


def test_a_university_fails_an_enterprises_only_rule():
    result = judge(
        {"kind": "entity_kinds", "allowed": ["enterprise"]}, applicant={"kind": "university"}
    )
    assert not result.passed
    assert "高校" in result.reason_zh and "university" in result.reason_en
    assert result.figures == {"entity_kind": "university", "allowed": "enterprise"}


# registered_region


@pytest.mark.parametrize("region", ["510100", "510107", "511500", "520000"])
def test_any_scope_passes_every_region(region):
    assert judge(
        {"kind": "registered_region", "scope": "any"}, applicant={"registered_region": region}
    ).passed


@pytest.mark.parametrize("prefixes", [["5101"], ["52", "5101"], ["510107"], ["51"]])
def test_a_local_scope_passes_a_region_under_one_of_its_prefixes(prefixes):
    assert judge({"kind": "registered_region", "scope": "local", "regions": prefixes}).passed


@pytest.mark.parametrize("region", ["511500", "520100", "110105"])
def test_a_local_scope_fails_a_region_outside_its_prefixes(region):
    result = judge(
        {"kind": "registered_region", "scope": "local", "regions": ["5101"]},
        applicant={"registered_region": region},
    )
    assert not result.passed
    assert region in result.reason_zh and "outside" in result.reason_en


# size_class (the thresholds themselves are in test_sme.py)


def test_a_medium_software_company_passes_an_sme_only_rule():
    result = judge({"kind": "size_class", "allowed": ["medium", "small", "micro"]})
    assert result.passed
    assert result.figures["size_class"] == "medium"


def test_a_large_software_company_fails_an_sme_only_rule():
    result = judge(
        {"kind": "size_class", "allowed": ["medium", "small", "micro"]},
        applicant={"employees": 300, "prior_year_revenue": Decimal("100000000.00")},
    )
    assert not result.passed
    assert result.figures == {
        "size_class": "large",
        "allowed": "medium,small,micro",
        "industry": "65",
        "employees": "300",
        "prior_year_revenue": "100000000.00",
    }
    assert "大型企业" in result.reason_zh


# startup


def test_a_startup_passes_the_startup_rule():
    assert judge({"kind": "startup"}, applicant={"is_startup": True}).passed


def test_an_established_company_fails_the_startup_rule():
    result = judge({"kind": "startup"})
    assert not result.passed
    assert result.reason_en == "the applicant is not a start-up"


# industries


def test_a_listed_industry_passes():
    assert judge({"kind": "industries", "allowed": ["C", "65"]}).passed


def test_a_listed_section_allows_each_of_its_divisions():
    result = judge({"kind": "industries", "allowed": ["C"]}, applicant={"industry": "39"})
    assert result.passed
    assert "39 计算机、通信和其他电子设备制造业" in result.reason_zh
    assert "C Manufacturing" in result.reason_en


def test_a_listed_division_does_not_allow_its_whole_section():
    assert not judge({"kind": "industries", "allowed": ["65"]}, applicant={"industry": "I"}).passed


def test_an_unlisted_industry_fails():
    result = judge({"kind": "industries", "allowed": ["C"]}, applicant={"industry": "66"})
    assert not result.passed
    assert result.figures == {"industry": "66", "allowed": "C"}


# designated_provider


def test_a_designated_provider_passes():
    assert judge({"kind": "designated_provider"}).passed


def test_a_provider_off_the_list_fails():
    result = judge({"kind": "designated_provider"}, contract={"provider_id": 7})
    assert not result.passed
    assert result.figures == {"provider_id": "7", "designated_provider_ids": "1,2"}


def test_its_reason_names_the_provider_a_person_knows():
    contract = {"provider_id": 7, "provider_name": "申城通用云计算有限公司"}
    result = judge({"kind": "designated_provider"}, contract=contract)
    assert "申城通用云计算有限公司" in result.reason_zh
    assert "申城通用云计算有限公司" in result.reason_en


# not_related_party


def test_unrelated_parties_pass():
    assert judge({"kind": "not_related_party"}).passed


@pytest.mark.parametrize(
    ("applicant", "contract", "link"),
    [
        ({"legal_representative": " 陈算 "}, {}, "same legal representative (陈算)"),
        ({"related_parties": (PROVIDER_CODE.lower(),)}, {}, "declared the provider"),
        ({"shareholders": (f" {PROVIDER_CODE} ",)}, {}, "is a shareholder of the applicant"),
        ({}, {"provider_shareholders": (COMPANY_CODE.lower(),)}, "applicant is a shareholder"),
        ({}, {"provider_shareholders": ("王芯",)}, "share a shareholder (王芯)"),
        ({}, {"provider_shareholders": ("91510100ma62l1n8xw",)}, "share a shareholder"),
    ],
)
def test_a_related_provider_fails_naming_the_link(applicant, contract, link):
    result = judge({"kind": "not_related_party"}, applicant=applicant, contract=contract)
    assert not result.passed
    assert link in result.reason_en
    assert result.figures["links"] == "1"


@pytest.mark.parametrize(
    ("applicant", "contract", "link"),
    [
        (
            {"legal_rep_id_digest": "d-id"},
            {"provider_legal_rep_id_digest": "d-id"},
            "same ID number",
        ),
        (
            {"shareholder_digests": ("d-provider",)},
            {"provider_credit_code_digest": "d-provider"},
            "is a declared shareholder of the applicant",
        ),
        (
            {"shareholder_digests": ("d-person", "d-other")},
            {"provider_shareholder_digests": ("d-person",)},
            "1 shareholder credit code(s) or ID number(s) appear on both sides",
        ),
    ],
)
def test_the_same_identifier_on_both_sides_is_refused_by_its_keyed_hash(applicant, contract, link):
    result = judge({"kind": "not_related_party"}, applicant=applicant, contract=contract)
    assert not result.passed
    assert link in result.reason_en


def test_different_or_missing_identifier_hashes_are_not_a_link():
    result = judge(
        {"kind": "not_related_party"},
        applicant={"legal_rep_id_digest": "", "shareholder_digests": ("d-a",)},
        contract={"provider_legal_rep_id_digest": "", "provider_shareholder_digests": ("d-b",)},
    )
    assert result.passed


def test_blank_legal_representatives_are_not_a_link():
    result = judge(
        {"kind": "not_related_party"},
        applicant={"legal_representative": " "},
        contract={"provider_legal_representative": ""},
    )
    assert result.passed


def test_every_related_party_link_is_reported():
    result = judge(
        {"kind": "not_related_party"},
        applicant={"legal_representative": "陈算", "related_parties": (PROVIDER_CODE,)},
    )
    assert not result.passed
    assert result.figures["links"] == "2"
    assert "法定代表人相同" in result.reason_zh and "关联方" in result.reason_zh


# contract_window


WINDOW = {"kind": "contract_window", "signed_from": "2024-01-01", "signed_to": "2024-06-30"}


@pytest.mark.parametrize("signed_on", [date(2024, 1, 1), date(2024, 6, 30)])
def test_a_contract_signed_on_either_bound_passes(signed_on):
    assert judge(WINDOW, contract={"signed_on": signed_on}).passed


def test_a_contract_signed_the_day_before_the_window_fails():
    result = judge(WINDOW, contract={"signed_on": date(2023, 12, 31)})
    assert not result.passed
    assert result.reason_en == (
        "the contract dates are outside the window: signed on 2023-12-31, before 2024-01-01"
    )
    assert result.figures["signed_from"] == "2024-01-01"


def test_a_contract_signed_the_day_after_the_window_fails():
    result = judge(WINDOW, contract={"signed_on": date(2024, 7, 1)})
    assert not result.passed
    assert "签订日期 2024-07-01 晚于 2024-06-30" in result.reason_zh


def test_a_term_of_exactly_twelve_months_passes():
    result = judge(
        {"kind": "contract_window", "max_term_months": 12},
        contract={"service_start": date(2024, 1, 1), "service_end": date(2024, 12, 31)},
    )
    assert result.passed


def test_a_term_one_day_longer_than_twelve_months_fails():
    result = judge(
        {"kind": "contract_window", "max_term_months": 12},
        contract={"service_start": date(2024, 1, 1), "service_end": date(2025, 1, 1)},
    )
    assert not result.passed
    assert "it must end by 2024-12-31" in result.reason_en


def test_a_service_period_ending_before_it_starts_fails():
    result = judge(
        {"kind": "contract_window", "signed_from": "2024-01-01"},
        contract={"service_start": date(2024, 3, 1), "service_end": date(2024, 2, 29)},
    )
    assert not result.passed
    assert "before it starts" in result.reason_en


def test_every_broken_bound_of_the_window_is_reported():
    result = judge(
        {"kind": "contract_window", "signed_to": "2024-01-31", "max_term_months": 6},
        contract={"signed_on": date(2024, 2, 1)},
    )
    assert not result.passed
    assert "after 2024-01-31" in result.reason_en and "longer than 6 months" in result.reason_en


# one_subsidy_per_contract


def test_a_contract_not_subsidised_elsewhere_passes():
    assert judge({"kind": "one_subsidy_per_contract"}).passed


def test_a_contract_subsidised_elsewhere_fails():
    result = judge(
        {"kind": "one_subsidy_per_contract"}, context={"contract_subsidised_elsewhere": True}
    )
    assert not result.passed
    assert "CDZS-2024-0318" in result.reason_zh


# no_dishonesty


def test_an_applicant_never_listed_passes():
    assert judge({"kind": "no_dishonesty", "years": 3}).passed


def test_a_listing_that_ended_exactly_the_years_ago_passes():
    result = judge(
        {"kind": "no_dishonesty", "years": 3}, applicant={"dishonest_until": date(2021, 6, 1)}
    )
    assert result.passed
    assert result.figures == {"dishonest_until": "2021-06-01", "cutoff": "2021-06-01", "years": "3"}


def test_a_listing_that_ended_a_day_later_fails():
    result = judge(
        {"kind": "no_dishonesty", "years": 3}, applicant={"dishonest_until": date(2021, 6, 2)}
    )
    assert not result.passed
    assert "2021-06-02" in result.reason_zh and "less than 3 years" in result.reason_en


def test_with_zero_years_only_a_current_listing_fails():
    rule = {"kind": "no_dishonesty", "years": 0}
    assert judge(rule, applicant={"dishonest_until": TODAY}).passed
    assert not judge(rule, applicant={"dishonest_until": TODAY + timedelta(days=1)}).passed


# purposes, service_categories, contract_paid


def test_an_allowed_purpose_passes_and_another_fails():
    rule = {"kind": "purposes", "allowed": ["model_training"]}
    assert judge(rule).passed
    result = judge(rule, contract={"purpose": "model_inference"})
    assert not result.passed
    assert "模型推理" in result.reason_zh and "model inference" in result.reason_en


def test_an_allowed_service_category_passes_and_another_fails():
    rule = {"kind": "service_categories", "allowed": ["compute_service", "data_product"]}
    assert judge(rule).passed
    result = judge(rule, contract={"service_category": "specialty_goods"})
    assert not result.passed
    assert result.figures["service_category"] == "specialty_goods"


def test_a_contract_paid_in_full_passes():
    assert judge({"kind": "contract_paid"}).passed


def test_a_contract_not_paid_in_full_fails():
    result = judge({"kind": "contract_paid"}, contract={"paid_in_full": False})
    assert not result.passed
    assert result.reason_zh == "合同款项尚未全额支付"
