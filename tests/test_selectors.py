"""The reads portals and the provider API share: each sees one tenant's rows only."""

import pytest

from tests import builders
from vouchers.models import Application, Voucher
from vouchers.selectors import (
    applications_for_entity,
    get_application_for_user,
    voucher_by_code,
    vouchers_for_entity,
    vouchers_for_provider,
)
from vouchers.services.applications import approve_application


@pytest.fixture
def voucher(application, bob):
    return approve_application(application=application, by=bob).voucher


@pytest.fixture
def rival(programme, centre):
    """Another Chengdu entity with a voucher of its own, from another provider."""
    other_centre = builders.provider(name="另一家算力中心")
    programme.providers.add(other_centre)
    rival = builders.entity(name="成都另一家科技有限公司")
    builders.submitted_application(programme=programme, entity=rival, provider=other_centre)
    return rival


def test_a_voucher_is_found_by_its_code_as_printed_or_typed(voucher):
    code = voucher.code
    printed = "-".join(code[i : i + 4] for i in range(0, len(code), 4))
    assert voucher_by_code(code=printed.lower()) == voucher
    assert voucher_by_code(code=f" {code} ") == voucher
    with pytest.raises(Voucher.DoesNotExist):
        voucher_by_code(code="0" * len(code))


def test_an_entity_sees_its_own_vouchers_and_applications_only(voucher, rival, company):
    rivals = Application.objects.get(entity=rival)
    approve_application(
        application=rivals,
        by=builders.member("ray", "reviewer", authority=rivals.programme.authority),
    )

    assert list(vouchers_for_entity(entity=company)) == [voucher]
    assert list(vouchers_for_entity(entity=rival)) == [rivals.voucher]
    assert list(applications_for_entity(entity=company)) == [voucher.application]


def test_a_provider_sees_the_vouchers_it_serves_only(voucher, rival, centre):
    rivals = Application.objects.get(entity=rival)
    approve_application(
        application=rivals,
        by=builders.member("ray", "reviewer", authority=rivals.programme.authority),
    )

    assert list(vouchers_for_provider(provider=centre)) == [voucher]


def test_a_user_gets_an_application_of_their_own_tenant_and_no_other(
    application, rival, company, bob, dave
):
    rivals = Application.objects.get(entity=rival)

    assert get_application_for_user(user=company.clerk, pk=application.pk) == application
    assert get_application_for_user(user=bob, pk=rivals.pk) == rivals  # Chengdu's reviewer
    for stranger, pk in ((company.clerk, rivals.pk), (rival.clerk, application.pk)):
        with pytest.raises(Application.DoesNotExist):
            get_application_for_user(user=stranger, pk=pk)
    with pytest.raises(Application.DoesNotExist):  # a Hangzhou reviewer
        get_application_for_user(user=dave, pk=application.pk)
