"""The second reviewer on PostgreSQL, with real concurrency: reviewers racing to record
a first approval leave exactly one; reviewers racing to confirm it issue one voucher.
Threads share `race` and `split` with the approval races (tests/test_concurrency_postgres)."""

from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Membership
from tests import builders
from tests.test_concurrency_postgres import race, split
from vouchers.models import FirstApproval, Programme, Voucher
from vouchers.services import second_review
from vouchers.services.applications import approve_application
from vouchers.services.ledger_check import check_ledger

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def reviewers(chengdu):
    return [
        builders.member(f"reviewer{n}", Membership.Role.REVIEWER, authority=chengdu)
        for n in range(4)
    ]


@pytest.fixture
def waiting(programme, company, centre):
    """A 50,000 yuan entitlement in a programme that asks two reviewers above 20,000."""
    Programme.objects.filter(pk=programme.pk).update(second_review_above=Decimal("20000.00"))
    return builders.submitted_application(programme=programme, entity=company, provider=centre)


def test_racing_first_approvals_leave_exactly_one(waiting, reviewers):
    jobs = [[lambda r=r: second_review.propose(application=waiting, by=r)] for r in reviewers]
    made, refused = split(race(jobs))
    assert len(made) == 1 and len(refused) == len(reviewers) - 1
    assert {e.code for e in refused} == {"awaiting_second_review"}
    assert FirstApproval.objects.filter(application=waiting).count() == 1


def test_racing_second_approvals_issue_one_voucher(waiting, reviewers):
    first = second_review.propose(application=waiting, by=reviewers[0])
    others = reviewers[1:]
    jobs = [[lambda r=r: approve_application(application=waiting, by=r)] for r in others]
    approved, refused = split(race(jobs))
    assert len(approved) == 1 and len(refused) == len(others) - 1
    voucher = Voucher.objects.get(application=waiting)
    assert voucher.face_value == Decimal("50000.00")
    first.refresh_from_db()
    assert first.confirmed_by_id == approved[0].decided_by_id
    assert check_ledger(programmes=[waiting.programme]).problems == []
