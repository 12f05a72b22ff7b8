"""Payment batches racing on PostgreSQL: two officers preparing, approving or paying the
same claims and batch at once. The batch's row lock and the one-live-line unique index
decide: the batch is approved once, paid once, and the books agree afterwards."""

from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Membership
from config.errors import DomainError
from payments.models import PaymentBatch, PaymentLine
from payments.services import batches
from tests import builders
from tests.payments.conftest import references_for
from tests.test_concurrency_postgres import race
from vouchers.models import LedgerEntry
from vouchers.services.ledger_check import check_ledger

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def george(chengdu):
    return builders.member("george", Membership.Role.FINANCE_OFFICER, authority=chengdu)


def refusals(outcomes) -> list[str]:
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    refusal = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(refusal, DomainError), refusal
    return refusal.code


def test_two_officers_preparing_at_once_put_each_claim_on_one_batch(
    approved_claim, statement, bank_details, chengdu, fiona, frank
):
    outcomes = race(
        [
            [lambda who=who: batches.prepare_batch(authority=chengdu, by=who)]
            for who in (fiona, frank)
        ]
    )

    assert refusals(outcomes) in ("nothing_to_pay", "already_in_batch")
    assert PaymentLine.objects.filter(live=True).count() == 2


def test_two_officers_approving_one_batch_at_once_approve_it_once(prepared, frank, george):
    outcomes = race(
        [[lambda who=who: batches.approve_batch(batch=prepared, by=who)] for who in (frank, george)]
    )

    assert refusals(outcomes) == "bad_state"
    assert PaymentBatch.objects.get(pk=prepared.pk).status == "approved"


def test_two_officers_paying_one_batch_at_once_pay_it_once(approved, fiona, george):
    references = references_for(approved)
    outcomes = race(
        [
            [lambda who=who: batches.pay_batch(batch=approved, references=references, by=who)]
            for who in (fiona, george)
        ]
    )

    assert refusals(outcomes) == "bad_state"
    paid = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAY)
    assert sorted(entry.amount for entry in paid) == [Decimal("50.00"), Decimal("4000.00")]
    assert check_ledger().problems == []
