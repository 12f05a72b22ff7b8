"""A `clawback_needed` correction (its statement already paid) is resolved by a claw-back
finding on the original redemption, for the amount the correction takes back."""

from decimal import Decimal

import pytest

from billing.models import ReconciliationException, UsageRecord
from billing.reconcile import reconcile
from billing.services.exceptions import clawback_amount
from config.errors import DomainError
from recovery.services import record_finding
from tests.billing.conftest import assert_ledger_holds, send, usage
from tests.recovery.conftest import evidence, receivable_of


@pytest.fixture
def case(paid_june, centre):
    """June's record corrected from 100 to 60 yuan after payment: 20 of its 50 to take back."""
    send(centre, [usage(record_id="a-fix", amount="60.00", corrects="a")])
    reconcile()
    return ReconciliationException.objects.get(reason="clawback_needed")


def claw_back(case, amount, by):
    original = UsageRecord.objects.get(record_id="a")
    return record_finding(
        record=original, exception=case, amount=amount, reason="更正", evidence=evidence(), by=by
    )


def test_the_case_names_the_amount_to_claw_back(case):
    assert clawback_amount(case) == Decimal("20.00")


def test_a_finding_resolves_the_case(case, centre, bob, paid_june):
    finding = claw_back(case, clawback_amount(case), bob)
    case.refresh_from_db()
    assert (case.status, case.note, case.decided_by) == ("accepted", f"finding:{finding.pk}", bob)
    assert finding.exception == case
    assert receivable_of(centre).balance == Decimal("20.00")
    # The correction stays off the statements: the receivable recovers its money.
    assert UsageRecord.objects.get(record_id="a-fix").status == "exception"
    assert_ledger_holds(paid_june.programme)


def test_a_finding_on_another_redemption_does_not_resolve_it(case, centre, bob, paid_june):
    send(centre, [usage(record_id="other", amount="10.00")])
    reconcile()
    other = UsageRecord.objects.get(record_id="other")
    with pytest.raises(DomainError) as refused:
        record_finding(
            record=other, exception=case, amount="1.00", reason="x", evidence=evidence(), by=bob
        )
    assert refused.value.code in ("bad_state", "not_paid")
    case.refresh_from_db()
    assert case.status == "open"
