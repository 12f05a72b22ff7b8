"""Plain values the eligibility rules judge. No model, no database: the engine is pure.

Services build these from models (see `vouchers/services/evaluation.py`); tests build
them directly.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ApplicantFacts:
    credit_code: str
    kind: str  # "enterprise" | "research_institute" | "university"
    registered_region: str  # GB/T 2260 code, e.g. "510100" (Chengdu), "520000" (Guizhou)
    industry: str  # GB/T 4754 section or division: "C" (manufacturing), "65" (software & IT)
    employees: int
    prior_year_revenue: Decimal  # yuan
    is_startup: bool
    legal_representative: str
    shareholders: tuple[str, ...] = ()  # names or credit codes
    related_parties: tuple[str, ...] = ()  # credit codes the entity declared as related
    dishonest_until: date | None = None  # end of the latest 失信 listing, if any
    # Keyed hashes (accounts/personal.py) of the declaration's normalised identifiers.
    legal_rep_id_digest: str = ""
    shareholder_digests: tuple[str, ...] = ()  # credit codes and ID numbers


@dataclass(frozen=True)
class ContractFacts:
    number: str
    provider_id: int
    provider_credit_code: str
    provider_legal_representative: str
    provider_shareholders: tuple[str, ...]
    signed_on: date
    service_start: date
    service_end: date
    value: Decimal  # yuan
    accelerator_origin: str  # "domestic" | "foreign"
    service_category: str  # "compute_service" | "data_product" | "specialty_goods"
    purpose: str  # "model_training" | "model_inference" | "other"
    project_class: str = "normal"  # "normal" | "major"
    filed_model_service: bool = False  # foundation-model service filed with the CAC
    paid_in_full: bool = False
    provider_name: str = ""  # for the reasons; rules compare the id
    provider_credit_code_digest: str = ""
    provider_legal_rep_id_digest: str = ""
    provider_shareholder_digests: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgrammeTerms:
    designated_provider_ids: frozenset[int]
    min_award: Decimal | None
    annual_cap: Decimal | None
    claim_share_cap: Decimal | None  # at most this share of a contract, e.g. 0.20


@dataclass(frozen=True)
class Context:
    """What the database knew when the rules ran."""

    today: date
    remaining_budget: Decimal
    remaining_cap: Decimal | None  # None when the programme has no per-entity cap
    contract_subsidised_elsewhere: bool = False


@dataclass(frozen=True)
class Facts:
    applicant: ApplicantFacts
    contract: ContractFacts
    terms: ProgrammeTerms
    context: Context


@dataclass(frozen=True)
class RuleResult:
    kind: str
    passed: bool
    reason_zh: str
    reason_en: str
    figures: dict = field(default_factory=dict)  # the values compared, as strings


@dataclass(frozen=True)
class Evaluation:
    results: tuple[RuleResult, ...]
    rate: Decimal  # the highest applicable tier, after the claim-share cap
    entitlement: Decimal  # yuan, rounded down; 0 when ineligible
    eligible: bool

    @property
    def failures(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if not r.passed)
