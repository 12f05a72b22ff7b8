"""Billing personas: the 成都智算中心 (`centre`) has sold 星河 compute under a 100,000 yuan
contract HT-2024-001 (service 2024-03-01 to 2024-12-31); bob approved it, so 星河 holds
an active voucher of 50,000 at rate 0.5, valid 2024-06-01 to 2025-05-31."""

import itertools

import pytest

from billing.ingest import ingest_records
from billing.records import parse_records
from tests import builders
from vouchers.models import Voucher
from vouchers.services.applications import approve_application

_ids = itertools.count(1)


def usage(contract="HT-2024-001", amount="100.00", day=10, month=6, **fields) -> dict:
    """A raw usage record as a provider sends it."""
    record = {
        "record_id": f"r-{next(_ids):06d}",
        "contract_number": contract,
        "period_start": f"2024-{month:02d}-{day:02d}T00:00:00+08:00",
        "period_end": f"2024-{month:02d}-{day:02d}T23:59:59+08:00",
        "sku": "gpu-a800-hour",
        "description": "A800 GPU hours",
        "quantity": "10",
        "unit": "hour",
        "amount": amount,
        "currency": "CNY",
    }
    record.update(fields)
    return record


def send(provider, raw: list) -> list[str]:
    """Parse and ingest, as the API does; the statuses (or error codes) in order."""
    records, errors = parse_records(raw)
    valid = [r for r in records if r is not None]
    statuses = iter(ingest_records(provider=provider, records=valid))
    return [next(statuses) if r is not None else e.code for r, e in zip(records, errors)]


def issue(programme, company, centre, reviewer, number, value="100000.00", **fields) -> Voucher:
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre, value=value, number=number, **fields
    )
    approve_application(application=application, by=reviewer)
    return Voucher.objects.get(application=application)


@pytest.fixture
def voucher(programme, company, centre, bob):
    return issue(programme, company, centre, bob, "HT-2024-001")
