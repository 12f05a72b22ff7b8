"""Small builders for test data. They go through the services wherever one exists, so a
test's setup obeys the same rules as a real user's."""

import itertools
from datetime import date
from decimal import Decimal

import factory
from django.apps import apps

from accounts.models import Authority, Membership, User
from accounts.services import declare_profile, register_entity, register_provider
from vouchers.demo import brief_programmes
from vouchers.services.applications import create_application, submit_application
from vouchers.services.contracts import register_contract
from vouchers.services.programmes import create_programme, publish_programme

_serial = itertools.count(1)

CHENGDU = "510100"
TODAY = date(2024, 6, 1)


def credit_code(region: str = CHENGDU, serial: int | None = None) -> str:
    """A valid 统一社会信用代码 of an enterprise (91) registered in `region`."""
    return brief_programmes.credit_code("91", region, serial or next(_serial))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.django.Password("pass")


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    name_zh = "成都市经济和信息化局"
    name_en = "Chengdu Economic and Information Technology Bureau"
    region_code = CHENGDU
    region_name = "成都市"


def member(username: str, role: str, **organisation) -> User:
    user = UserFactory(username=username)
    Membership.objects.get_or_create(user=user, role=role, **organisation)
    return user


def entity(
    *,
    name="成都星河智能科技有限公司",
    kind="enterprise",
    region=CHENGDU,
    revenue="20000000.00",
    employees=120,
    industry="software_it",
    is_startup=False,
    clerk=None,
    **fields,
):
    """An entity with one declaration and a staff member (`entity.clerk`)."""
    registered = register_entity(
        name=name,
        credit_code=fields.pop("credit_code", None) or credit_code(region),
        legal_representative=fields.pop("legal_representative", f"法人{next(_serial)}"),
        kind=kind,
        **fields,
    )
    registered.clerk = clerk or member(
        f"clerk{registered.pk}", Membership.Role.ENTITY_STAFF, entity=registered
    )
    declare_profile(
        entity=registered,
        by=registered.clerk,
        declared_on=TODAY,
        fiscal_year=TODAY.year - 1,
        registered_region=region,
        industry=industry,
        employees=employees,
        prior_year_revenue=Decimal(revenue),
        is_startup=is_startup,
    )
    return registered


def provider(*, name="成都智算中心", region=CHENGDU, **fields):
    return register_provider(
        name=name,
        credit_code=fields.pop("credit_code", None) or credit_code(region),
        legal_representative=fields.pop("legal_representative", f"法人{next(_serial)}"),
        region_code=region,
        **fields,
    )


# Chengdu 2024's rules as the brief gives them: 50%, revenue floor, designated centres.
CHENGDU_RULES = brief_programmes.CHENGDU["rules"]


def programme(
    *,
    authority,
    manager,
    providers,
    code=None,
    budget="10000000.00",
    rules=None,
    min_award="10000.00",
    annual_cap="1000000.00",
    publish=True,
    **fields,
):
    """A Chengdu-2024-shaped programme, published unless told otherwise."""
    values = {
        "authority": authority,
        "code": code or f"prog-{next(_serial)}",
        "name_zh": "成都市算力券",
        "name_en": "Chengdu compute vouchers",
        "region_code": CHENGDU,
        "region_name": "成都市",
        "year": 2024,
        "total_budget": Decimal(budget),
        "applications_open": date(2024, 1, 1),
        "applications_close": date(2024, 12, 31),
        "voucher_validity_months": 12,
        "min_award": Decimal(min_award) if min_award else None,
        "annual_cap": Decimal(annual_cap) if annual_cap else None,
        "settlement_mode": "provider_deducts",
        "voucher_kinds": ["cash_compute"],
    }
    values.update(fields)
    created = create_programme(
        by=manager, fields=values, rules=rules or CHENGDU_RULES, providers=providers
    )
    return publish_programme(programme=created, by=manager) if publish else created


def contract(*, entity, provider, value="100000.00", number=None, **fields):
    values = {
        "number": number or f"HT-{next(_serial)}",
        "signed_on": date(2024, 3, 1),
        "service_start": date(2024, 3, 1),
        "service_end": date(2024, 12, 31),
        "value": Decimal(value),
        "accelerator_origin": "domestic",
        "accelerator_hours": Decimal("1000"),
    }
    values.update(fields)
    return register_contract(entity=entity, provider=provider, by=entity.clerk, **values)


def submitted_application(*, programme, entity, provider, value="100000.00", **contract_fields):
    signed = contract(entity=entity, provider=provider, value=value, **contract_fields)
    draft = create_application(entity=entity, contract=signed, programme=programme, by=entity.clerk)
    return submit_application(application=draft, by=entity.clerk)


def stored_rows() -> dict:
    """Every row of every model of the project, to prove that a refusal changed nothing."""
    models = [*apps.get_app_config("accounts").get_models()]
    models += apps.get_app_config("audit").get_models()
    models += apps.get_app_config("vouchers").get_models()
    return {m._meta.label: list(m._base_manager.order_by("pk").values()) for m in models}
