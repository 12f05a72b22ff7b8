"""Builders of worlds: authorities and their staff, entities with a declaration,
providers, published programmes, contracts and submitted applications.

The one place the tests (tests/builders.py), the demo loader (vouchers/demo/loader.py)
and the approval benchmark (bench/approvals.py) make their data.  Each builder goes
through the services, so what it makes obeys the rules a user's data does; only
`bulk_submitted`, for worlds of thousands of applications, writes rows set-wise.
"""

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Authority, Entity, EntityDeclaration, Membership, User
from accounts.services import declare_profile, register_entity, register_provider
from vouchers.contract_numbers import number_key
from vouchers.demo import brief_programmes
from vouchers.models import Application, Contract
from vouchers.rules import evaluate
from vouchers.rules.facts import Context, Facts
from vouchers.services import ledger
from vouchers.services.applications import create_application, submit_application
from vouchers.services.contracts import register_contract
from vouchers.services.evaluation import applicant_facts, contract_facts, programme_terms, trace
from vouchers.services.programmes import create_programme, publish_programme

CHENGDU = "510100"
# Chengdu 2024's rules as the brief gives them: 50%, revenue floor, designated centres.
CHENGDU_RULES = brief_programmes.CHENGDU["rules"]
Role = Membership.Role

_serial = itertools.count(1)


def serial() -> int:
    """A number no other builder in this process has used: keeps keys unique."""
    return next(_serial)


def credit_code(region: str = CHENGDU, number: int | None = None, prefix: str = "91") -> str:
    """A valid 统一社会信用代码 registered in `region` (91 an enterprise, 12 an institution)."""
    return brief_programmes.credit_code(prefix, region, number or serial())


def member(username: str, role: str, *, password: str = "", display_name: str = "", **scope):
    """The user `username` (made with the password hash given, or none usable) holding
    `role` in the organisation named by `scope` (authority=, entity= or provider=)."""
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"password": password or make_password(None), "display_name": display_name},
    )
    Membership.objects.get_or_create(user=user, role=role, **scope)
    return user


def authority(*, staff=(), password: str = "", **fields) -> Authority:
    """Chengdu's bureau unless `fields` say otherwise, with `staff` as (username, role)
    pairs; the users are on `authority.staff` by username."""
    values = {**brief_programmes.CHENGDU["authority"], **fields}
    made = Authority.objects.create(**values)
    made.staff = {
        username: member(username, role, password=password, authority=made)
        for username, role in staff
    }
    return made


def entity(
    *,
    name="成都星河智能科技有限公司",
    kind="enterprise",
    region=CHENGDU,
    revenue="20000000.00",
    employees=120,
    industry="65",
    is_startup=False,
    clerk=None,
    declared_on=None,
    profile=None,
    **fields,
) -> Entity:
    """An entity with one declaration and a staff member (`entity.clerk`): `clerk` if
    given (a user, or a callable making one for the new entity), else `clerk<pk>`."""
    registered = register_entity(
        name=name,
        credit_code=fields.pop("credit_code", None) or credit_code(region),
        legal_representative=fields.pop("legal_representative", f"法人{serial()}"),
        kind=kind,
        **fields,
    )
    if callable(clerk):
        clerk = clerk(registered)
    registered.clerk = clerk or member(
        f"clerk{registered.pk}", Role.ENTITY_STAFF, entity=registered
    )
    today = declared_on or timezone.localdate()
    declare_profile(
        entity=registered,
        by=registered.clerk,
        declared_on=today,
        fiscal_year=today.year - 1,
        registered_region=region,
        industry=industry,
        employees=employees,
        prior_year_revenue=Decimal(revenue),
        is_startup=is_startup,
        **(profile or {}),  # the related-party profile (accounts/personal.py)
    )
    return registered


def provider(*, name="成都智算中心", region=CHENGDU, **fields):
    return register_provider(
        name=name,
        credit_code=fields.pop("credit_code", None) or credit_code(region),
        legal_representative=fields.pop("legal_representative", f"法人{serial()}"),
        region_code=region,
        **fields,
    )


def programme_values(*, authority, year: int | None = None, **fields) -> dict:
    """Chengdu's programme fields from the brief for `year` (this year by default),
    with a fresh code; `fields` override any of them."""
    year = year or timezone.localdate().year
    entry = brief_programmes.CHENGDU
    values = brief_programmes.programme_fields(entry, authority=authority, year=year)
    values["code"] = f"prog-{serial()}"
    return {**values, **fields}


def programme(*, manager, providers, fields: dict, rules=None, funding_sources=(), publish=True):
    """A programme from `fields` (see `programme_values`) with `rules` (Chengdu's by
    default), created by `manager` and published unless told otherwise."""
    created = create_programme(
        by=manager,
        fields=fields,
        rules=rules or CHENGDU_RULES,
        providers=providers,
        funding_sources=funding_sources,
    )
    return publish_programme(programme=created, by=manager) if publish else created


def contract_values(*, value="100000.00", number=None, **fields) -> dict:
    """A domestic-compute contract signed on 1 January for the whole current year."""
    year = timezone.localdate().year
    return {
        "number": number or f"HT-{serial()}",
        "signed_on": date(year, 1, 1),
        "service_start": date(year, 1, 1),
        "service_end": date(year, 12, 31),
        "value": Decimal(value),
        "accelerator_origin": Contract.AcceleratorOrigin.DOMESTIC,
        "accelerator_hours": Decimal("1000"),
        **fields,
    }


def contract(*, entity, provider, value="100000.00", number=None, **fields) -> Contract:
    values = contract_values(value=value, number=number, **fields)
    return register_contract(entity=entity, provider=provider, by=entity.clerk, **values)


def submitted_application(*, programme, entity, provider, value="100000.00", **contract_fields):
    signed = contract(entity=entity, provider=provider, value=value, **contract_fields)
    draft = create_application(entity=entity, contract=signed, programme=programme, by=entity.clerk)
    return submit_application(application=draft, by=entity.clerk)


# --- big worlds ------------------------------------------------------------------------


def bulk_submitted(*, programme, provider, applications: int, per_owner: int, value="100000.00"):
    """`applications` submitted applications, `per_owner` to an entity (each entity with
    a declaration, each application with its own contract): one INSERT per table
    (bulk_create) instead of a service call per row.  Each is judged by the pure rule
    engine as `submit_application` would judge it (budget and caps untouched, no earlier
    subsidy); none is audited, as nobody made them.  For benchmarks and load tests, never
    for a user's data.  Returns the applications' primary keys in order of entity."""
    today = timezone.localdate()
    declarations = _bulk_declared(-(-applications // per_owner), today)
    contracts = []
    for i in range(applications):
        owner = declarations[i // per_owner].entity
        signed = Contract(entity=owner, provider=provider, **contract_values(value=value))
        signed.number_key = number_key(signed.number)  # bulk_create skips save()
        contracts.append(signed)
    contracts = Contract.objects.bulk_create(contracts)
    judge = _judge_fresh(programme, today)
    submitted = [judge(c, declarations[i // per_owner]) for i, c in enumerate(contracts)]
    return [a.pk for a in Application.objects.bulk_create(submitted)]


def _bulk_declared(count: int, today: date) -> list[EntityDeclaration]:
    """`count` eligible Chengdu enterprises' declarations, their entities attached."""
    entities = Entity.objects.bulk_create(
        Entity(
            name=f"批量企业{n}",
            credit_code=credit_code("510107", n),
            legal_representative=f"法人{n}",
            kind=Entity.Kind.ENTERPRISE,
        )
        for n in [serial() for _ in range(count)]
    )
    return EntityDeclaration.objects.bulk_create(
        EntityDeclaration(
            entity=owner,
            declared_on=today,
            fiscal_year=today.year - 1,
            registered_region=CHENGDU,
            industry="65",
            employees=120,
            prior_year_revenue=Decimal("20000000.00"),
        )
        for owner in entities
    )


def _judge_fresh(programme, today: date):
    """A function judging a new application by `programme`'s current rules: what the
    rules see of the programme is read once, for all of them."""
    ruleset = programme.current_ruleset()
    terms = programme_terms(Application(programme=programme))
    context = Context(
        today=today,
        remaining_budget=ledger.available_account(programme).balance,
        remaining_cap=programme.annual_cap,
    )

    def judge(signed: Contract, declaration: EntityDeclaration) -> Application:
        application = Application(
            programme=programme,
            ruleset=ruleset,
            entity=declaration.entity,
            contract=signed,
            declaration=declaration,
            voucher_kind=programme.voucher_kinds[0],
            status=Application.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        applicant, bought = applicant_facts(application), contract_facts(application)
        facts = Facts(applicant=applicant, contract=bought, terms=terms, context=context)
        evaluation = evaluate(ruleset.document, facts)
        application.evaluation = trace(evaluation)
        application.eligible = evaluation.eligible
        application.rate = evaluation.rate
        application.entitlement = evaluation.entitlement
        return application

    return judge
