"""The policy simulator: draft rules run against the applications filed to a programme
(this one or an earlier one of the same authority) and the entities' latest declarations.

Read-only: plain functions that select and judge, never write (a test compares every
row and audit event before and after). The queries are a fixed handful whatever the
number of applications (tested): rows are fetched set-wise and judged by the pure
engine (vouchers.rules.judge), the draft validated once.

What it tells the officer:
- pass and fail counts per rule;
- the total entitlement against the budget, and the weeks the budget lasts at the pace
  the applications were filed (the span from the first filing to the last, at least
  a week);
- the applications whose outcome or amount changes (before: what they were judged at
  filing, under their own rule version; after: the draft);
- entities whose latest declaration passes every rule about the applicant but who have
  not applied (政策找企业): rules about a contract cannot be judged without one.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Entity, EntityDeclaration
from vouchers.models import Application, Programme, Voucher
from vouchers.money import ZERO, from_db, to_decimal
from vouchers.rules import validate_ruleset
from vouchers.rules.engine import judge
from vouchers.rules.facts import Context, Facts, ProgrammeTerms
from vouchers.rules.kinds import RULE_KINDS
from vouchers.services.dishonesty import listed_until_by_code
from vouchers.services.evaluation import contract_facts, declared_facts, with_provider_answer

# Applications that were filed: submitted at some point and not withdrawn.
FILED = ("submitted", "returned", "approved", "rejected")
# Rules judged on the applicant alone: the ones an entity without a contract can pass.
APPLICANT_RULES = (
    "entity_kinds", "registered_region", "revenue_floor", "size_class", "startup",
    "industries", "no_dishonesty",
)  # fmt: skip


@dataclass(frozen=True)
class Draft:
    """The rules and terms being tried: a saved programme's, or a builder's unsaved."""

    document: dict
    total_budget: Decimal
    designated_provider_ids: frozenset
    min_award: Decimal | None = None
    annual_cap: Decimal | None = None
    claim_share_cap: Decimal | None = None

    def terms(self) -> ProgrammeTerms:
        return ProgrammeTerms(
            designated_provider_ids=self.designated_provider_ids,
            min_award=self.min_award,
            annual_cap=self.annual_cap,
            claim_share_cap=self.claim_share_cap,
        )


def draft_of(programme: Programme, *, document: dict | None = None) -> Draft:
    """The programme's terms with its current rules, or with `document` instead."""
    return Draft(
        document=document or programme.current_ruleset().document,
        total_budget=programme.total_budget,
        designated_provider_ids=frozenset(programme.providers.values_list("pk", flat=True)),
        min_award=programme.min_award,
        annual_cap=programme.annual_cap,
        claim_share_cap=programme.claim_share_cap,
    )


@dataclass(frozen=True)
class Change:
    application: Application
    before_eligible: bool
    before_amount: Decimal
    after_eligible: bool
    after_amount: Decimal


@dataclass
class Simulation:
    source: Programme
    budget: Decimal
    filed: int = 0
    eligible: int = 0
    total_entitlement: Decimal = ZERO
    weeks_to_exhaustion: Decimal | None = None
    passed: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)
    candidates: list[Entity] = field(default_factory=list)

    @property
    def within_budget(self) -> bool:
        return self.total_entitlement <= self.budget

    def rule_counts(self) -> list[tuple[str, int, int]]:
        kinds = list(dict.fromkeys([*self.passed, *self.failed]))
        return [(kind, self.passed[kind], self.failed[kind]) for kind in kinds]


def simulate(*, draft: Draft, source: Programme, target: Programme, today: date) -> Simulation:
    """Judge `source`'s filed applications by `draft`; list who would qualify for
    `target` (the programme being built) but applied to neither."""
    document = validate_ruleset(draft.document)
    simulation = Simulation(source=source, budget=draft.total_budget)
    applications = filed_applications(source)
    filers = Entity.objects.filter(applications__programme=source)
    declarations = latest_declarations(filers.values("pk"))
    listed = listed_until_by_code(credit_codes=filers.values("credit_code"))
    elsewhere = subsidised_elsewhere(source)
    used: Counter = Counter()  # each entity's entitlement so far, in filing order
    for application in applications:
        declaration = declarations[application.entity_id]
        facts = _facts(draft, application, declaration, listed, elsewhere, used, today)
        evaluation = with_provider_answer(judge(document, facts), application.contract)
        _count(simulation, application, evaluation)
        used[application.entity_id] += evaluation.entitlement
    simulation.weeks_to_exhaustion = _weeks(simulation, applications)
    simulation.candidates = candidates(document, source=source, target=target, today=today)
    return simulation


# The columns the rules and the changed list read; the rest (the stored evaluation, a
# JSON document per row, above all) would cost more to decode than judging does.
APPLICATION_COLUMNS = ("entity_id", "contract_id", "eligible", "entitlement", "submitted_at")
ENTITY_COLUMNS = ("name", "credit_code", "kind", "legal_representative", "shareholders", "related_parties")  # fmt: skip
CONTRACT_COLUMNS = (
    "number", "number_key", "provider_id", "signed_on", "service_start", "service_end",
    "value", "accelerator_origin", "service_category", "purpose", "project_class",
    "filed_model_service", "paid_in_full", "provider_status", "provider_note",
    "confirmed_value", "confirmed_start", "confirmed_end",
)  # fmt: skip
PROVIDER_COLUMNS = (
    "name", "credit_code", "legal_representative", "shareholders", "legal_rep_id_digest",
    "shareholder_digests",
)  # fmt: skip


def filed_applications(source: Programme) -> list[Application]:
    columns = [
        *APPLICATION_COLUMNS,
        *(f"entity__{name}" for name in ENTITY_COLUMNS),
        *(f"contract__{name}" for name in CONTRACT_COLUMNS),
        *(f"contract__provider__{name}" for name in PROVIDER_COLUMNS),
    ]
    rows = Application.objects.filter(programme=source, status__in=FILED)
    rows = rows.select_related("entity", "contract", "contract__provider").only(*columns)
    return list(rows.order_by("submitted_at", "pk"))


def latest_declarations(entity_ids) -> dict[int, EntityDeclaration]:
    """Each entity's latest declaration (`Entity.current_declaration`), in one query."""
    rows = EntityDeclaration.objects.filter(entity_id__in=entity_ids).order_by(
        "entity_id", "-declared_on", "-pk"
    )
    latest: dict[int, EntityDeclaration] = {}
    for declaration in rows:
        latest.setdefault(declaration.entity_id, declaration)
    return latest


def subsidised_elsewhere(source: Programme) -> set[tuple[int, str]]:
    """(provider, contract key) of the source's contracts subsidised by another programme:
    approved there or holding a voucher there (evaluation.contract_subsidised_elsewhere)."""
    keys = Application.objects.filter(programme=source).values("contract__number_key")
    approved = Application.objects.filter(status=Application.Status.APPROVED).exclude(
        programme=source
    )
    found = set()
    for rows in (approved, Voucher.objects.exclude(programme=source)):
        pairs = rows.filter(contract__number_key__in=keys).values_list(
            "contract__provider_id", "contract__number_key"
        )
        found.update(pairs)
    return found


def _facts(draft, application, declaration, listed, elsewhere, used, today) -> Facts:
    contract = application.contract
    cap = None if draft.annual_cap is None else draft.annual_cap - used[application.entity_id]
    context = Context(
        today=today,
        remaining_budget=draft.total_budget,
        remaining_cap=cap,
        contract_subsidised_elsewhere=(contract.provider_id, contract.number_key) in elsewhere,
    )
    entity = application.entity
    applicant = declared_facts(entity, declaration, dishonest_until=listed.get(entity.credit_code))
    return Facts(
        applicant=applicant,
        contract=contract_facts(application),
        terms=draft.terms(),
        context=context,
    )


def _count(simulation: Simulation, application: Application, evaluation) -> None:
    simulation.filed += 1
    for result in evaluation.results:
        (simulation.passed if result.passed else simulation.failed)[result.kind] += 1
    if evaluation.eligible:
        simulation.eligible += 1
        simulation.total_entitlement += evaluation.entitlement
    before_eligible = bool(application.eligible)
    before = from_db(application.entitlement) if before_eligible else ZERO
    if (before_eligible, before) != (evaluation.eligible, evaluation.entitlement):
        change = Change(
            application, before_eligible, before, evaluation.eligible, evaluation.entitlement
        )
        simulation.changes.append(change)


def _weeks(simulation: Simulation, applications: list[Application]) -> Decimal | None:
    """Weeks the budget lasts if awards keep coming at the pace they were filed."""
    filed_at = [a.submitted_at for a in applications if a.submitted_at]
    if not filed_at or simulation.total_entitlement <= 0:
        return None
    span = max(max(filed_at) - min(filed_at), timedelta(weeks=1))
    weeks_filing = to_decimal(span // timedelta(seconds=1)) / (7 * 24 * 3600)
    weekly = simulation.total_entitlement / weeks_filing
    # Weeks, not money: one place is what a reader plans with.
    return (simulation.budget / weekly).quantize(Decimal("0.1"))


def candidates(document: dict, *, source: Programme, target: Programme, today: date) -> list:
    """Entities whose latest declaration passes the draft's applicant rules and who
    applied to neither programme, by name."""
    rules = [rule for rule in document["rules"] if rule["kind"] in APPLICANT_RULES]
    applied = Application.objects.filter(programme__in=[source, target]).values("entity_id")
    others = Entity.objects.exclude(pk__in=applied)
    entities = {entity.pk: entity for entity in others}
    declarations = latest_declarations(others.values("pk"))
    listed = listed_until_by_code(credit_codes=others.values("credit_code"))
    found = []
    for entity_id, declaration in declarations.items():
        entity = entities[entity_id]
        facts = Facts(
            applicant=declared_facts(
                entity, declaration, dishonest_until=listed.get(entity.credit_code)
            ),
            contract=None,
            terms=None,
            context=Context(today=today, remaining_budget=ZERO, remaining_cap=None),
        )
        if all(_passes(rule, facts) for rule in rules):
            found.append(entity)
    return sorted(found, key=lambda entity: (entity.name, entity.pk))


def _passes(rule: dict, facts: Facts) -> bool:
    params = {key: value for key, value in rule.items() if key != "kind"}
    return RULE_KINDS[rule["kind"]](params, facts).passed
