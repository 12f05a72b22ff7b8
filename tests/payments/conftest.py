"""Personas for payments: Chengdu's finance officers fiona and frank (four eyes), Hangzhou's
finance officer harry (the wrong tenant); an approved reimburse claim of 星河 (4,000 yuan
payable) and an approved June statement of the Chengdu centre (50 yuan redeemed), both of
Chengdu's programmes; the two payees' bank details."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Membership
from billing.models import Settlement
from billing.settlements import approve_settlement
from company.services.claim_review import approve_claim
from company.services.claims import file_claim
from payments.services import batches
from payments.services.bank_details import change_bank_details
from tests import builders
from tests.billing.conftest import issue
from tests.company.conftest import clerk, private_media, tasks_in_process  # noqa: F401
from tests.company.test_claims import claim_fields
from vouchers.services.applications import approve_application
from vouchers.services.redemption import redeem

Role = Membership.Role
PAID_ON = date(2024, 6, 1)


@pytest.fixture
def fiona(chengdu):
    return builders.member("fiona", Role.FINANCE_OFFICER, authority=chengdu)


@pytest.fixture
def frank(chengdu):
    return builders.member("frank", Role.FINANCE_OFFICER, authority=chengdu)


@pytest.fixture
def harry(hangzhou):
    return builders.member("harry", Role.FINANCE_OFFICER, authority=hangzhou)


@pytest.fixture
def reimburse(chengdu, alice, centre):
    return builders.programme(
        authority=chengdu, manager=alice, providers=[centre], code="reimburse-2024",
        settlement_mode="reimburse",
    )  # fmt: skip


@pytest.fixture
def approved_claim(reimburse, company, centre, bob, clerk):  # noqa: F811
    application = builders.submitted_application(
        programme=reimburse, entity=company, provider=centre, number="HT-R-001"
    )
    voucher = approve_application(application=application, by=bob).voucher
    claim = file_claim(entity=company, voucher=voucher, by=clerk, **claim_fields())
    return approve_claim(claim=claim, amount="4000.00", by=bob)


@pytest.fixture
def statement(programme, company, centre, bob, centre_engineer):
    """The centre's June statement: 50 yuan of subsidy redeemed. Written directly (the
    statement pipeline has its own tests): its total is what the ledger redeemed."""
    voucher = issue(programme, company, centre, bob, "HT-2024-001")
    redeem(voucher=voucher, billed_amount=Decimal("100.00"), by=centre_engineer)
    june = Settlement.objects.create(
        provider=centre, programme=programme, period="2024-06",
        total_billed=Decimal("100.00"), total_subsidy=Decimal("50.00"),
    )  # fmt: skip
    return approve_settlement(settlement=june, by=bob)


@pytest.fixture
def bank_details(company, centre, clerk, centre_engineer):  # noqa: F811
    entity = change_bank_details(
        payee=company, account_name="成都星河科技有限公司", bank_name="工商银行成都高新支行",
        account_number="6222 0210 0100 1234", by=clerk,
    )  # fmt: skip
    provider = change_bank_details(
        payee=centre, account_name="成都智算中心", bank_name="建设银行天府支行",
        account_number="4400-1234-5678-9012", by=centre_engineer,
    )  # fmt: skip
    return entity, provider


@pytest.fixture
def prepared(approved_claim, statement, bank_details, chengdu, fiona):
    return batches.prepare_batch(authority=chengdu, by=fiona)


@pytest.fixture
def approved(prepared, frank):
    return batches.approve_batch(batch=prepared, by=frank)


def references_for(batch, paid_on=PAID_ON) -> dict:
    return {line.pk: (f"BANK-{line.pk:06d}", paid_on) for line in batch.lines.all()}


ZERO = Decimal("0.00")
