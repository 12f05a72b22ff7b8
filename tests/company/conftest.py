"""Personas for the company portal: 星河 (an eligible Chengdu company) and its clerk, who
is its portal admin; 蜀光 (another company, the wrong tenant); Chengdu's reviewer bob and
the centre's engineer erin (neither acts for a company). Files are made of real
signatures: a PDF, a PNG, and a program disguised by its name."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from company.models import CompanyAccount
from company.services.claims import file_claim
from config.celery import app
from tests import builders
from vouchers.services.applications import approve_application
from vouchers.services.redemption import redeem

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 60


def upload(name="evidence.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def tasks_in_process():
    """The portal's tasks run in-process here even when REDIS_URL is set: these tests
    are about what the tasks do; tests/test_celery_worker.py covers the real worker."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clerk(company):
    """星河's clerk, its portal admin (password "pass")."""
    CompanyAccount.objects.create(entity=company, admin=company.clerk, region_code="510100")
    company.clerk.email = "clerk@xinghe.example"
    company.clerk.save()
    return company.clerk


@pytest.fixture
def rival(db):
    """蜀光: another company, with its own clerk."""
    return builders.entity(name="成都蜀光医疗影像科技有限公司")


@pytest.fixture
def as_clerk(clerk):
    client = Client()
    client.force_login(clerk)
    return client


@pytest.fixture
def as_clerk_en(clerk):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(clerk)
    return client


@pytest.fixture
def as_rival(rival):
    client = Client()
    client.force_login(rival.clerk)
    return client


@pytest.fixture
def draft(programme, company, centre, clerk):
    """星河's draft for a 100,000 yuan contract."""
    from vouchers.services.applications import create_application

    signed = builders.contract(entity=company, provider=centre)
    return create_application(entity=company, contract=signed, programme=programme, by=clerk)


@pytest.fixture
def reimburse_programme(chengdu, alice, centre):
    return builders.programme(
        authority=chengdu,
        manager=alice,
        providers=[centre],
        code="reimburse-2024",
        settlement_mode="reimburse",
    )


@pytest.fixture
def voucher(reimburse_programme, company, centre, bob, centre_engineer, clerk):
    """星河's active 50,000 yuan voucher in a reimburse programme, 5,000 already redeemed."""
    application = builders.submitted_application(
        programme=reimburse_programme, entity=company, provider=centre
    )
    issued = approve_application(application=application, by=bob).voucher
    redeem(voucher=issued, billed_amount=Decimal("10000.00"), by=centre_engineer)
    issued.refresh_from_db()
    return issued


@pytest.fixture
def claim(voucher, company, clerk):
    return file_claim(
        entity=company,
        voucher=voucher,
        by=clerk,
        invoice_number="FP-0001",
        invoice_date=date(2024, 5, 31),
        invoice_amount=Decimal("10000.00"),
        amount=Decimal("5000.00"),
        service_start=date(2024, 5, 1),
        service_end=date(2024, 5, 31),
        invoice_file=upload("invoice.pdf"),
        delivery_proof=upload("proof.png", PNG, "image/png"),
    )


@pytest.fixture
def declaration(company, clerk):
    from accounts.services import declare_profile

    return declare_profile(
        entity=company,
        by=clerk,
        declared_on=builders.TODAY,
        fiscal_year=2023,
        registered_region="510100",
        industry="65",
        employees=120,
        prior_year_revenue=Decimal("20000000.00"),
        is_startup=False,
        evidence=upload(),
    )
