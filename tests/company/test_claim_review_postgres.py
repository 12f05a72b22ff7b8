"""Claim decisions racing on PostgreSQL: two reviewers approving one claim at once, and an
approval racing the provider's redemption on the same voucher. The voucher's row lock
decides; the books agree afterwards."""

from decimal import Decimal

import pytest
from django.db import connection

from company.models import Claim
from company.services.claim_review import approve_claim
from config.errors import DomainError
from tests.test_concurrency_postgres import race
from vouchers.models import LedgerAccount, Voucher
from vouchers.services.ledger_check import check_ledger
from vouchers.services.redemption import redeem

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def test_two_reviewers_approving_one_claim_at_once_pay_it_once(claim, bob, carol, voucher):
    outcomes = race(
        [
            [lambda who=who: approve_claim(claim=claim, amount="5000.00", by=who)]
            for who in (bob, carol)
        ]
    )

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    refusal = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(refusal, DomainError) and refusal.code == "bad_state"
    assert LedgerAccount.objects.get(kind="payable").balance == Decimal("5000.00")
    assert check_ledger(programmes=[voucher.programme]).problems == []


def test_an_approval_racing_a_redemption_never_takes_more_than_the_voucher_has(
    claim, bob, centre_engineer, voucher
):
    # 45,000 left: the provider's 41,000 and the claim's 5,000 do not both fit.
    outcomes = race(
        [
            [lambda: approve_claim(claim=claim, amount="5000.00", by=bob)],
            [lambda: redeem(voucher=voucher, billed_amount="82000.00", by=centre_engineer)],
        ]
    )

    assert all(kind == "ok" or isinstance(value, DomainError) for kind, value in outcomes)
    voucher = Voucher.objects.get(pk=voucher.pk)
    assert voucher.redeemed <= voucher.face_value
    approved = Claim.objects.get(pk=claim.pk).status == Claim.Status.APPROVED
    assert voucher.redeemed == (Decimal("50000.00") if approved else Decimal("46000.00"))
    assert check_ledger(programmes=[voucher.programme]).problems == []
