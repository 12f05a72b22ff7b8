"""Claw-back personas: 星河's June record (100 yuan billed, 50 subsidy) was paid on the
centre's June statement; fiona and frank are Chengdu's finance officers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership
from billing.models import Settlement
from billing.reconcile import reconcile
from billing.settlements import approve_settlement, build_settlements
from tests import builders
from tests.billing.conftest import send, usage, voucher  # noqa: F401  (fixtures)
from tests.company.conftest import PDF
from vouchers.models import LedgerAccount


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fiona(chengdu):
    return builders.member("fiona", Membership.Role.FINANCE_OFFICER, authority=chengdu)


@pytest.fixture
def frank(chengdu):
    return builders.member("frank", Membership.Role.FINANCE_OFFICER, authority=chengdu)


def evidence():
    return SimpleUploadedFile("audit-report.pdf", PDF, "application/pdf")


def statement(period: str, records: list, *, centre, bob, fiona=None) -> Settlement:
    """Send `records`, reconcile, build and approve the period's statement (and pay it)."""
    send(centre, records)
    reconcile()
    build_settlements(period=period)
    found = Settlement.objects.get(period=period)
    found = approve_settlement(settlement=found, by=bob)
    return builders.paid_through_batch(found, by=fiona) if fiona else found


@pytest.fixture
def paid_june(voucher, centre, bob, fiona):  # noqa: F811
    statement(
        "2024-06", [usage(record_id="a", amount="100.00")], centre=centre, bob=bob, fiona=fiona
    )
    return voucher


def receivable_of(provider) -> LedgerAccount:
    return LedgerAccount.objects.get(kind="receivable", provider=provider)
