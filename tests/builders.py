"""Test data: the shared world builders (vouchers/demo/world.py), with the test-only
factories and the password every persona logs in with.  They go through the services
wherever one exists, so a test's setup obeys the same rules as a real user's."""

from datetime import date
from decimal import Decimal

import factory
from django.apps import apps

from accounts.models import Authority, Membership, User
from vouchers.demo import world
from vouchers.demo.world import CHENGDU, CHENGDU_RULES, contract, provider, submitted_application

__all__ = ["CHENGDU", "CHENGDU_RULES", "contract", "provider", "submitted_application"]

TODAY = date(2024, 6, 1)


def credit_code(region: str = CHENGDU, serial: int | None = None) -> str:
    """A valid 统一社会信用代码 of an enterprise (91) registered in `region`."""
    return world.credit_code(region, serial)


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
    """A persona who logs in with the password "pass"."""
    user = UserFactory(username=username)
    return world.member(user.username, role, **organisation)


def entity(*, clerk=None, **fields):
    """An entity with one declaration and a staff member (`entity.clerk`)."""
    return world.entity(
        clerk=clerk
        or (lambda made: member(f"clerk{made.pk}", Membership.Role.ENTITY_STAFF, entity=made)),
        **fields,
    )


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
    values = world.programme_values(
        authority=authority,
        total_budget=Decimal(budget),
        min_award=Decimal(min_award) if min_award else None,
        annual_cap=Decimal(annual_cap) if annual_cap else None,
        **({"code": code} if code else {}),
        **fields,
    )
    return world.programme(
        manager=manager, providers=providers, fields=values, rules=rules, publish=publish
    )


def stored_rows() -> dict:
    """Every row of every model of the project, to prove that a refusal changed nothing."""
    project = [apps.app_configs.get(label) for label in ("accounts", "audit", "vouchers")]
    models = [model for config in project if config for model in config.get_models()]
    return {m._meta.label: list(m._base_manager.order_by("pk").values()) for m in models}


def paid_through_batch(statement, *, by, preparer=None):
    """The approved statement paid as the portal pays it (a statement is paid only through
    a batch): a batch of it alone, prepared by another finance officer of its authority
    (`preparer`, or "paymaster"), approved and paid by the finance officer `by`; the
    provider's bank details entered by its staff first if it has none. The statement, paid."""
    from django.utils import timezone

    from payments.models import BankDetails
    from payments.services import batches
    from payments.services.bank_details import change_bank_details

    authority = statement.programme.authority
    preparer = preparer or member("paymaster", Membership.Role.FINANCE_OFFICER, authority=authority)
    payee = statement.provider
    if not BankDetails.objects.filter(provider=payee).exists():
        staff = member(f"payee{payee.pk}", Membership.Role.PROVIDER_STAFF, provider=payee)
        change_bank_details(
            payee=payee, account_name=payee.name, bank_name="建设银行天府支行",
            account_number=f"4400{payee.pk:012d}", by=staff,
        )  # fmt: skip
    batch = batches.prepare_batch(authority=authority, by=preparer, statement_ids=[statement.pk])
    batch = batches.approve_batch(batch=batch, by=by)
    today = timezone.localdate()
    paid = {line.pk: (f"BANK-{line.pk:06d}", today) for line in batch.lines.all()}
    batches.pay_batch(batch=batch, references=paid, by=by)
    statement.refresh_from_db()
    return statement
