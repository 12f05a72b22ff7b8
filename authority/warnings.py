"""Warnings that need a reviewer's eye before an approval: related party, double subsidy,
revenue jump. They do not refuse anything (the `not_related_party` rule refuses the
same credit code or ID number on both sides); they must be ticked as seen.

`gather` reads everything the checks need in a fixed number of queries (the facts in
one place); the checks are pure functions of those facts; `sync` stores the result as
`ApplicationWarning` rows, which the queue's "has warnings" filter reads.

Related parties compare profiles (accounts/personal.py) by keyed hash or normalised
value: the applicant's declaration as filed against the provider, directly or through
ONE intermediate shareholder, an entity on the platform named by its credit code among
the shareholders of one side, whose latest declaration is compared with the other side."""

import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import EntityDeclaration
from accounts.personal import digest, mask, normalise_code, normalise_digits
from audit import actions
from audit import services as audit
from authority.models import ApplicationWarning
from config.errors import DomainError
from vouchers.models import Application

Kind = ApplicationWarning.Kind
RECENT_DECLARATION_DAYS = 30
# An application another programme or region already holds for the same contract.
COUNTED = (Application.Status.SUBMITTED, Application.Status.RETURNED, Application.Status.APPROVED)


@dataclass(frozen=True)
class Party:
    """One profile to compare: the applicant, the provider or an intermediate."""

    label_zh: str
    label_en: str
    profile: object  # an EntityDeclaration or a Provider
    credit_code: str
    legal_representative: str


@dataclass(frozen=True)
class Facts:
    applicant: Party
    provider: Party
    applicant_intermediates: tuple[Party, ...] = ()
    provider_intermediates: tuple[Party, ...] = ()
    same_contract_elsewhere: tuple[Application, ...] = ()
    declarations: tuple = ()  # the entity's, newest first
    filed_declaration_id: int | None = None
    applied_on: date | None = None
    revenue_jump_percent: Decimal = Decimal("100")


@dataclass(frozen=True)
class Found:
    kind: str
    evidence: list = field(default_factory=list)  # [{"zh": ..., "en": ...}]


# --- facts -----------------------------------------------------------------------------


def gather(application: Application, declarations=None) -> Facts:
    declaration, provider = application.declaration, application.contract.provider
    entity = application.entity
    applicant = Party(
        "申报主体",
        "the applicant",
        declaration,
        entity.credit_code,
        declaration.legal_representative or entity.legal_representative,
    )
    supplier = Party(
        "服务商", "the provider", provider, provider.credit_code, provider.legal_representative
    )
    if declarations is None:
        declarations = entity.declarations.all()
    return Facts(
        applicant=applicant,
        provider=supplier,
        applicant_intermediates=_intermediates(
            declaration.shareholder_codes, "申报主体", "applicant"
        ),
        provider_intermediates=_intermediates(provider.shareholder_codes, "服务商", "provider"),
        same_contract_elsewhere=tuple(_same_contract_elsewhere(application)),
        declarations=tuple(declarations),
        filed_declaration_id=declaration.pk,
        applied_on=timezone.localdate(application.submitted_at or timezone.now()),
        revenue_jump_percent=application.programme.revenue_jump_percent,
    )


def _intermediates(codes, side_zh, side_en) -> tuple[Party, ...]:
    """The latest declaration of each shareholder that is an entity on the platform."""
    if not codes:
        return ()
    rows = (
        EntityDeclaration.objects.filter(entity__credit_code__in=codes)
        .select_related("entity")
        .order_by("entity_id", "-declared_on", "-pk")
    )
    latest = {}
    for row in rows:
        latest.setdefault(row.entity_id, row)
    return tuple(
        Party(
            f"{side_zh}的股东{row.entity.name}",
            f"the {side_en}'s shareholder {row.entity.name}",
            row,
            row.entity.credit_code,
            row.legal_representative or row.entity.legal_representative,
        )
        for row in latest.values()
    )


def _same_contract_elsewhere(application: Application):
    """The same contract in another programme under another number: the same provider,
    value and period. (Under the same number's key it is the same row: a provider
    registers a number once, an application names its contract once, and the
    `one_subsidy_per_contract` rule refuses it across programmes.)"""
    contract = application.contract
    return (
        Application.objects.filter(
            contract__provider_id=contract.provider_id,
            contract__value=contract.value,
            contract__service_start=contract.service_start,
            contract__service_end=contract.service_end,
            status__in=COUNTED,
        )
        .exclude(programme_id=application.programme_id)
        .select_related("programme", "contract")
        .order_by("pk")
    )


# --- checks (pure) ---------------------------------------------------------------------


def find(facts: Facts) -> list[Found]:
    found = [related_party(facts), double_subsidy(facts), revenue_jump(facts)]
    return [warning for warning in found if warning.evidence]


def related_party(facts: Facts) -> Found:
    """Direct links, then links through one intermediate on either side (never two)."""
    pairs = [(facts.applicant, facts.provider)]
    pairs += [(middle, facts.provider) for middle in facts.applicant_intermediates]
    pairs += [(facts.applicant, middle) for middle in facts.provider_intermediates]
    evidence = []
    for left, right in pairs:
        evidence += _links(left, right)
    return Found(Kind.RELATED_PARTY, evidence)


def _links(left: Party, right: Party) -> list[dict]:
    a, b = left.profile, right.profile
    between_zh, between_en = (
        f"{left.label_zh}与{right.label_zh}",
        f"{left.label_en} and {right.label_en}",
    )
    links = []

    def add(zh, en):
        links.append({"zh": f"{between_zh}{zh}", "en": f"{between_en} {en}"})

    name = _name(left.legal_representative)
    if name and name == _name(right.legal_representative):
        add(f"法定代表人同名（{name}）", f"have a legal representative of the same name ({name})")
    if a.legal_rep_id_digest and a.legal_rep_id_digest == b.legal_rep_id_digest:
        add(
            f"法定代表人身份证号相同（{mask(normalise_code(a.legal_rep_id))}）",
            f"have the same legal representative's ID number ({mask(normalise_code(a.legal_rep_id))})",
        )
    shared = set(a.shareholder_digests) & set(b.shareholder_digests)
    if shared:
        add(f"有 {len(shared)} 个共同股东", f"share {len(shared)} shareholder(s)")
    if digest(right.credit_code) in set(a.shareholder_digests):
        add(
            f"：后者（{right.credit_code}）是前者的股东",
            f"are linked: the latter ({right.credit_code}) is a shareholder of the former",
        )
    if digest(left.credit_code) in set(b.shareholder_digests):
        add(
            f"：前者（{left.credit_code}）是后者的股东",
            f"are linked: the former ({left.credit_code}) is a shareholder of the latter",
        )
    if a.address_key and a.address_key == b.address_key:
        add(
            f"注册地址相同（{a.registered_address}）",
            f"have the same registered address ({a.registered_address})",
        )
    if a.phone_digest and a.phone_digest == b.phone_digest:
        add(
            f"联系电话相同（{mask(normalise_digits(a.phone))}）",
            f"have the same phone ({mask(normalise_digits(a.phone))})",
        )
    if a.bank_account_digest and a.bank_account_digest == b.bank_account_digest:
        add(
            f"银行账号相同（{mask(normalise_digits(a.bank_account))}）",
            f"have the same bank account ({mask(normalise_digits(a.bank_account))})",
        )
    return links


def _name(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def double_subsidy(facts: Facts) -> Found:
    evidence = []
    for other in facts.same_contract_elsewhere:
        where = f"#{other.pk} {other.programme.name_zh}（{other.programme.region_name}）"
        where_en = f"#{other.pk} {other.programme.name_en or other.programme.name_zh} ({other.programme.region_name})"
        evidence.append(
            {
                "zh": f"同一合同（{other.contract.number}）已在申报 {where} 中",
                "en": f"the same contract ({other.contract.number}) is already in application {where_en}",
            }
        )
    return Found(Kind.DOUBLE_SUBSIDY, evidence)


def revenue_jump(facts: Facts) -> Found:
    evidence = []
    declarations = list(facts.declarations)
    filed = next((d for d in declarations if d.pk == facts.filed_declaration_id), None)
    if filed is None:
        return Found(Kind.REVENUE_JUMP, evidence)
    earlier = declarations[declarations.index(filed) + 1 :]
    if earlier and earlier[0].prior_year_revenue > 0:
        before, now = earlier[0].prior_year_revenue, filed.prior_year_revenue
        rise = (now - before) / before * 100
        if rise > facts.revenue_jump_percent:
            evidence.append(
                {
                    "zh": f"申报营业收入由 {before} 元增至 {now} 元，增幅 {rise:.0f}%，超过 {facts.revenue_jump_percent}%",
                    "en": f"declared revenue rose from {before} to {now} yuan, up {rise:.0f}%, over {facts.revenue_jump_percent}%",
                }
            )
    if facts.applied_on - filed.declared_on <= timedelta(days=RECENT_DECLARATION_DAYS):
        evidence.append(
            {
                "zh": f"申报信息于 {filed.declared_on} 填报，距申请不足 {RECENT_DECLARATION_DAYS} 天",
                "en": f"the declaration is dated {filed.declared_on}, within {RECENT_DECLARATION_DAYS} days before applying",
            }
        )
    return Found(Kind.REVENUE_JUMP, evidence)


# --- storage ---------------------------------------------------------------------------


def sync(*, application: Application, declarations=None) -> list[ApplicationWarning]:
    """Store what `find` says now: new kinds added, unseen ones updated or dropped, seen
    ones kept as they were seen. Returns the application's warnings."""
    found = {w.kind: w.evidence for w in find(gather(application, declarations))}
    with transaction.atomic():
        rows = application.warnings.select_related("seen_by").select_for_update(of=("self",))
        stored = {w.kind: w for w in rows.order_by("pk")}
        gone = [w.pk for kind, w in stored.items() if kind not in found and w.seen_at is None]
        if gone:
            ApplicationWarning.objects.filter(pk__in=gone).delete()
        for kind, evidence in found.items():
            row = stored.get(kind)
            if row is None:
                stored[kind] = ApplicationWarning.objects.create(
                    application=application, kind=kind, evidence=evidence
                )
            elif row.seen_at is None and row.evidence != evidence:
                row.evidence = evidence
                row.save(update_fields=["evidence"])
    return [w for kind, w in sorted(stored.items()) if kind in found or w.seen_at is not None]


def as_decided(*, application: Application) -> list[ApplicationWarning]:
    """A decided application's warnings as they were when it was decided."""
    return list(application.warnings.select_related("seen_by").order_by("kind"))


def mark_seen(*, application: Application, kind: str, by) -> ApplicationWarning:
    with transaction.atomic():
        warning = (
            application.warnings.select_for_update().filter(kind=kind, seen_at__isnull=True).first()
        )
        if warning is None:
            raise DomainError(
                "kind", "没有待确认的该类预警", "there is no unseen warning of that kind"
            )
        warning.seen_by, warning.seen_at = by, timezone.now()
        warning.save(update_fields=["seen_by", "seen_at"])
        audit.record(
            actor=by,
            action=actions.APPLICATION_WARNING_SEEN,
            obj=application,
            after={"kind": kind, "evidence": warning.evidence},
            programme=application.programme,
        )
    return warning


def require_seen(application: Application) -> None:
    """Refuse an approval while a warning waits for a reviewer's eye, naming it."""
    unseen = [w for w in sync(application=application) if w.seen_at is None]
    if unseen:
        names_zh = "、".join(str(ZH[w.kind]) for w in unseen)
        names_en = ", ".join(str(Kind(w.kind).label) for w in unseen)
        raise DomainError(
            "warnings",
            f"请先确认已查看预警：{names_zh}",
            f"tick the warnings as seen before approving: {names_en}",
            code="unseen_warning",
        )


ZH = {
    Kind.RELATED_PARTY: "关联方",
    Kind.DOUBLE_SUBSIDY: "重复补贴",
    Kind.REVENUE_JUMP: "营业收入异常增长",
}
