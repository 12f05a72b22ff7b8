"""The migrations that recompute number keys with the confusable skeleton: stale keys
become today's, and two rows whose numbers only looked different do not stop the
migration (the earliest keeps the key, a later one gets `<key>#<id>`)."""

import importlib
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.apps import apps

from billing.ingest import ingest_records
from billing.models import UsageRecord
from billing.records import RecordIn
from company.models import Claim
from tests import builders
from tests.company.conftest import PNG, upload
from vouchers.models import Contract

pytestmark = pytest.mark.django_db


def migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_claims_get_todays_key_and_a_look_alike_a_suffixed_one(claim, voucher, company, clerk):
    look_alike = Claim.objects.create(
        entity=company,
        voucher=voucher,
        invoice_number="FP-OOO\u0406",  # Cyrillic І: looks like FP-0001
        invoice_key="fp-ooo\u0456",  # as the old key had it
        invoice_date=date(2024, 5, 31),
        invoice_amount=Decimal("10.00"),
        amount=Decimal("5.00"),
        service_start=date(2024, 5, 1),
        service_end=date(2024, 5, 31),
        invoice_file=upload("invoice.pdf"),
        delivery_proof=upload("proof.png", PNG, "image/png"),
        filed_by=clerk,
    )
    Claim.objects.filter(pk=claim.pk).update(invoice_key="fp-0001")

    migration("company", "0003_invoice_keys_by_confusable_skeleton").recompute_keys(apps, None)

    assert Claim.objects.get(pk=claim.pk).invoice_key == "fp-oool"
    assert Claim.objects.get(pk=look_alike.pk).invoice_key == f"fp-oool#{look_alike.pk}"


def test_usage_records_get_their_contracts_key_again(centre):
    ingest_records(
        provider=centre,
        records=[
            RecordIn(
                record_id=f"r{i}",
                contract_number="НТ-2024-001",
                period_start=datetime(2024, 6, 1, tzinfo=UTC),
                period_end=datetime(2024, 6, 2, tzinfo=UTC),
                amount=Decimal("10.00"),
            )
            for i in range(3)
        ],
    )
    UsageRecord.objects.update(contract_key="нт-2024-001")

    migration("billing", "0005_contract_keys_by_confusable_skeleton").recompute_keys(apps, None)

    assert set(UsageRecord.objects.values_list("contract_key", flat=True)) == {"ht-2o24-ool"}


def test_contracts_get_todays_key_and_a_look_alike_a_suffixed_one(company, centre):
    first = builders.contract(entity=company, provider=centre, number="HT-DUP")
    look_alike = builders.contract(entity=company, provider=centre, number="HT-LATER")
    other = builders.contract(entity=company, provider=centre, number="HT-001")
    # As the old key let them in: the Cyrillic one was another contract.
    Contract.objects.filter(pk=look_alike.pk).update(number="НТ-DUP", number_key="нт-dup")
    Contract.objects.filter(pk=other.pk).update(number_key="ht-001")

    migration("vouchers", "0012_contract_keys_by_confusable_skeleton").recompute_keys(apps, None)

    keys = dict(Contract.objects.values_list("pk", "number_key"))
    assert keys == {
        first.pk: "ht-dup",
        look_alike.pk: f"ht-dup#{look_alike.pk}",
        other.pk: "ht-ool",
    }
