"""The portal's own races on PostgreSQL: one invoice filed twice at once, and two
notification scans at once. Each thread has its own connection; the unique keys and the
scan row's lock decide, not the Python checks before them."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from company.models import Claim, Notification
from company.services.claims import file_claim
from company.services.notifications import scan_audit_trail
from config.errors import DomainError
from tests.company.conftest import PDF, upload
from tests.test_concurrency_postgres import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def claim_once(voucher, company, clerk):
    return file_claim(
        entity=company,
        voucher=voucher,
        by=clerk,
        invoice_number="FP-RACE",
        invoice_date=date(2024, 5, 31),
        invoice_amount=Decimal("8000.00"),
        amount=Decimal("4000.00"),
        service_start=date(2024, 5, 1),
        service_end=date(2024, 5, 31),
        invoice_file=upload("invoice.pdf", PDF),
        delivery_proof=upload("proof.pdf", PDF),
    )


def test_one_invoice_filed_twice_at_once_makes_one_claim(voucher, company, clerk):
    outcomes = race([[lambda: claim_once(voucher, company, clerk)] for _ in range(4)])

    assert Claim.objects.count() == 1
    assert sum(1 for kind, _ in outcomes if kind == "ok") == 1
    refusals = [value for kind, value in outcomes if kind == "error"]
    assert all(isinstance(e, DomainError) and e.field == "invoice_number" for e in refusals)


def claim_of(voucher, company, clerk, number: str):
    return file_claim(
        entity=company,
        voucher=voucher,
        by=clerk,
        invoice_number=number,
        invoice_date=date(2024, 5, 31),
        invoice_amount=Decimal("24000.00"),
        amount=Decimal("12000.00"),
        service_start=date(2024, 5, 1),
        service_end=date(2024, 5, 31),
        invoice_file=upload("invoice.pdf", PDF),
        delivery_proof=upload("proof.pdf", PDF),
    )


def test_claims_at_once_never_take_more_than_the_voucher_has_left(voucher, company, clerk):
    # 45,000.00 left: three claims of 12,000.00 fit, a fourth would not.
    outcomes = race([[lambda n=n: claim_of(voucher, company, clerk, f"FP-R{n}")] for n in range(6)])

    assert sum(1 for kind, _ in outcomes if kind == "ok") == 3
    refusals = [value for kind, value in outcomes if kind == "error"]
    assert all(isinstance(e, DomainError) and e.code == "above_remaining" for e in refusals)
    assert sum(Claim.objects.values_list("amount", flat=True)) == Decimal("36000.00")


def test_scans_at_once_notify_each_event_once(application, clerk):
    outcomes = race([[scan_audit_trail] for _ in range(4)])

    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert Notification.objects.filter(user=clerk).count() == 1
