"""Every service refuses someone who does not act for the organisation concerned, and
changes nothing when it does: a manager of another authority, staff of another entity,
an engineer of another provider."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Membership
from accounts.services import declare_profile
from audit.models import AuditEvent
from tests import builders
from tests.builders import CHENGDU_RULES
from vouchers.models import Application, Contract, Programme, Voucher
from vouchers.services.applications import (
    approve_application,
    create_application,
    submit_application,
    withdraw_application,
)
from vouchers.services.closing import revoke_voucher
from vouchers.services.contracts import register_contract
from vouchers.services.programmes import create_programme, publish_programme, revise_rules
from vouchers.services.redemption import redeem

Role = Membership.Role


@pytest.fixture
def rival(db):
    """Staff of another entity."""
    return builders.entity(name="成都另一家科技有限公司").clerk


@pytest.fixture
def hangzhou_manager(hangzhou):
    return builders.member("henry", Role.PROGRAMME_MANAGER, authority=hangzhou)


def refused_without_a_trace(call):
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        call()
    assert AuditEvent.objects.count() == events


def test_only_the_authoritys_manager_creates_publishes_and_revises(
    chengdu, alice, centre, hangzhou_manager, bob
):
    draft = builders.programme(authority=chengdu, manager=alice, providers=[centre], publish=False)
    fields = {"authority": chengdu, "code": "other", "name_zh": "x", "name_en": "x"}
    for outsider in (hangzhou_manager, bob):  # another authority's manager; a reviewer
        refused_without_a_trace(
            lambda u=outsider: create_programme(by=u, fields=fields, rules=CHENGDU_RULES)
        )
        refused_without_a_trace(lambda u=outsider: publish_programme(programme=draft, by=u))
        refused_without_a_trace(
            lambda u=outsider: revise_rules(programme=draft, by=u, rules=CHENGDU_RULES)
        )
    assert Programme.objects.get(pk=draft.pk).status == Programme.Status.DRAFT


def test_only_the_entitys_staff_declare_sign_and_apply(programme, company, centre, rival):
    refused_without_a_trace(
        lambda: declare_profile(
            entity=company,
            by=rival,
            declared_on=date(2024, 6, 1),
            fiscal_year=2023,
            registered_region="510100",
            industry="82",
            employees=1,
            prior_year_revenue=Decimal("1.00"),
        )
    )
    refused_without_a_trace(
        lambda: register_contract(
            entity=company,
            provider=centre,
            by=rival,
            number="X-1",
            signed_on=date(2024, 3, 1),
            service_start=date(2024, 3, 1),
            service_end=date(2024, 9, 1),
            value=Decimal("100000.00"),
            accelerator_origin="domestic",
        )
    )
    signed = builders.contract(entity=company, provider=centre)
    refused_without_a_trace(
        lambda: create_application(entity=company, contract=signed, programme=programme, by=rival)
    )
    assert not Contract.objects.filter(number="X-1").exists()
    assert not Application.objects.exists()


def test_only_the_entitys_staff_submit_and_withdraw(programme, company, centre, rival):
    signed = builders.contract(entity=company, provider=centre)
    draft = create_application(
        entity=company, contract=signed, programme=programme, by=company.clerk
    )
    refused_without_a_trace(lambda: submit_application(application=draft, by=rival))
    refused_without_a_trace(lambda: withdraw_application(application=draft, by=rival))
    assert Application.objects.get(pk=draft.pk).status == Application.Status.DRAFT


def test_only_the_vouchers_provider_redeems_it(application, bob, centre_engineer):
    approve_application(application=application, by=bob)
    voucher = Voucher.objects.get(application=application)
    other = builders.provider(name="另一家算力中心")
    stranger = builders.member("sam", Role.PROVIDER_STAFF, provider=other)

    for outsider in (stranger, bob):  # another provider's engineer; a reviewer
        refused_without_a_trace(
            lambda u=outsider: redeem(voucher=voucher, billed_amount="100.00", by=u)
        )
    assert Voucher.objects.get(pk=voucher.pk).redeemed == Decimal("0.00")
    assert redeem(voucher=voucher, billed_amount="100.00", by=centre_engineer) == Decimal("50.00")


def test_a_superuser_approves_nothing_without_a_reviewers_membership(application):
    olivia = builders.UserFactory(username="olivia", is_superuser=True, is_staff=True)

    refused_without_a_trace(lambda: approve_application(application=application, by=olivia))
    assert Application.objects.get(pk=application.pk).status == Application.Status.SUBMITTED


def test_a_superuser_redeems_nothing_without_a_providers_membership(application, bob):
    voucher = approve_application(application=application, by=bob).voucher
    olivia = builders.UserFactory(username="olivia", is_superuser=True, is_staff=True)

    refused_without_a_trace(lambda: redeem(voucher=voucher, billed_amount="100.00", by=olivia))
    refused_without_a_trace(lambda: revoke_voucher(voucher=voucher, by=olivia, reason="测试"))
    assert Voucher.objects.get(pk=voucher.pk).redeemed == Decimal("0.00")
