"""Billing personas: the 成都智算中心 (`centre`) has sold 星河 compute under a 100,000 yuan
contract HT-2024-001 (service 2024-03-01 to 2024-12-31); bob approved it, so 星河 holds
an active voucher of 50,000 at rate 0.5, valid 2024-06-01 to 2025-05-31."""

import itertools
from decimal import Decimal

import pytest
from django.db.models import Sum

from billing.ingest import ingest_records
from billing.models import UsageRecord
from billing.records import parse_records
from tests import builders
from vouchers.models import LedgerEntry, Voucher
from vouchers.money import from_db
from vouchers.services.applications import approve_application
from vouchers.services.ledger_check import check_ledger

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
    return [
        next(statuses) if r is not None else e.code for r, e in zip(records, errors, strict=True)
    ]


def issue(programme, company, centre, reviewer, number, value="100000.00", amount=None, **fields):
    """A voucher on a new contract; `amount` approves less than the entitlement."""
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre, value=value, number=number, **fields
    )
    approve_application(application=application, by=reviewer, amount=amount and Decimal(amount))
    return Voucher.objects.get(application=application)


@pytest.fixture
def small_programme(chengdu, alice, centre):
    """Chengdu's rules without a minimum award, so that vouchers of a few hundred yuan,
    used up by a few records, can be issued."""
    return builders.programme(authority=chengdu, manager=alice, providers=[centre], min_award=None)


@pytest.fixture
def voucher(programme, company, centre, bob):
    return issue(programme, company, centre, bob, "HT-2024-001")


def redeemed_by_entries(voucher) -> Decimal:
    """What the ledger says the voucher redeemed: REDEEM entries out of its reserve,
    less TAKE_BACK entries back into it (corrections)."""
    entries = LedgerEntry.objects.filter(voucher=voucher)
    out = entries.filter(kind=LedgerEntry.Kind.REDEEM, debit__voucher=voucher)
    back = entries.filter(kind=LedgerEntry.Kind.TAKE_BACK, credit__voucher=voucher)
    assert not entries.filter(kind=LedgerEntry.Kind.REDEEM, credit__voucher=voucher).exists()
    total = from_db(out.aggregate(s=Sum("amount"))["s"]) - from_db(
        back.aggregate(s=Sum("amount"))["s"]
    )
    return total


def assert_ledger_holds(programme) -> None:
    """check_ledger's invariants: balances equal entries; every voucher's redeemed equals
    its REDEEM entries and its record subsidies, and never exceeds its face value."""
    assert check_ledger(programmes=[programme]).problems == []
    for voucher in Voucher.objects.filter(programme=programme):
        # SQLite adds money as binary floats: a sum is read back to the fen.
        subsidies = from_db(
            UsageRecord.objects.filter(voucher=voucher, status="redeemed").aggregate(
                s=Sum("subsidy")
            )["s"]
        )
        assert voucher.redeemed == redeemed_by_entries(voucher) == subsidies
        assert voucher.redeemed + voucher.released <= voucher.face_value
        assert voucher.reserve_account.balance == voucher.remaining
