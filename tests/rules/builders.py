"""Facts and rule-set documents for the rule tests.

The persona: 成都蓉芯智能科技有限公司, an eligible Chengdu software company, buying a
year of domestic GPU time from 成都智算中心 (provider 1) under a Chengdu-style programme.
Each test changes only what it is about, so a failure test cannot fail for another reason.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from vouchers.rules.facts import ApplicantFacts, Context, ContractFacts, Facts, ProgrammeTerms

COMPANY_CODE = "91510100MA61XJ7Q2J"
PROVIDER_CODE = "91510100MA6CB2HT41"
PROVIDER_ID = 1

ELIGIBLE_COMPANY = ApplicantFacts(
    credit_code=COMPANY_CODE,
    kind="enterprise",
    registered_region="510107",  # 成都市武侯区
    industry="65",
    employees=120,
    prior_year_revenue=Decimal("25000000.00"),
    is_startup=False,
    legal_representative="李蓉",
    shareholders=("王芯", "91510100MA62L1N8XW"),
    related_parties=(),
    dishonest_until=None,
)

COMPUTE_CONTRACT = ContractFacts(
    number="CDZS-2024-0318",
    provider_id=PROVIDER_ID,
    provider_credit_code=PROVIDER_CODE,
    provider_legal_representative="陈算",
    provider_shareholders=("成都市国有资产投资有限公司",),
    signed_on=date(2024, 3, 1),
    service_start=date(2024, 3, 1),
    service_end=date(2025, 2, 28),
    value=Decimal("400000.00"),
    accelerator_origin="domestic",
    service_category="compute_service",
    purpose="model_training",
    paid_in_full=True,
)

CHENGDU_TERMS = ProgrammeTerms(
    designated_provider_ids=frozenset({PROVIDER_ID, 2}),
    min_award=Decimal("10000.00"),
    annual_cap=Decimal("1000000.00"),
    claim_share_cap=None,
)

TODAY = date(2024, 6, 1)
CONTEXT = Context(
    today=TODAY,
    remaining_budget=Decimal("10000000.00"),
    remaining_cap=Decimal("1000000.00"),
)


def facts(
    *,
    applicant: dict | None = None,
    contract: dict | None = None,
    terms: dict | None = None,
    context: dict | None = None,
) -> Facts:
    """The eligible company's facts with some fields changed, e.g.
    `facts(applicant={"employees": 5}, context={"remaining_budget": Decimal("0.00")})`."""
    return Facts(
        applicant=replace(ELIGIBLE_COMPANY, **(applicant or {})),
        contract=replace(COMPUTE_CONTRACT, **(contract or {})),
        terms=replace(CHENGDU_TERMS, **(terms or {})),
        context=replace(CONTEXT, **(context or {})),
    )


FLAT_HALF = [{"rate": "0.50", "when": {}}]


def document(*rules: dict, tiers: list | None = None) -> dict:
    """A rule-set document; by default one tier of 50% for everyone (Chengdu)."""
    return {"rules": list(rules), "rate_tiers": tiers if tiers is not None else FLAT_HALF}


# Chengdu 2024, written as data.
CHENGDU_2024 = document(
    {"kind": "entity_kinds", "allowed": ["enterprise", "research_institute", "university"]},
    {"kind": "registered_region", "scope": "local", "regions": ["5101"]},
    {"kind": "revenue_floor", "min_revenue": "10000000.00"},
    {"kind": "designated_provider"},
    {"kind": "service_categories", "allowed": ["compute_service"]},
    {"kind": "not_related_party"},
    {"kind": "one_subsidy_per_contract"},
)
