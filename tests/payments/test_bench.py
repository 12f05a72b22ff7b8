"""The payments benchmark, run small so that it cannot rot: its world is built, the batch
is prepared, approved and paid, and its own checks (every claim paid, check_ledger
clean) pass."""

import pytest

from bench import payments

pytestmark = pytest.mark.django_db


def test_the_payments_bench_pays_every_claim_and_keeps_the_books():
    result = payments.run(payees=2, claims=3)

    assert result.lines == 6
    assert min(result.prepare, result.approve, result.pay) > 0
