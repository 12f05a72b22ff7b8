"""Corrections give the same ledger in every delivery order (issue 12, item 13).

One voucher of 50,000 at rate 0.5 (the default voucher of tests/billing/conftest.py, so
no balance binds) and a provider sending: X and its corrections X-c1 and X-c2 (a chain,
both naming X), Y, and Z with its correction Z-c1. Hypothesis draws the amounts, the
order the records arrive in, and after which of them a reconcile runs; a correction may
come before its original. The voucher's redeemed amount, the ledger's balances and
check_ledger must come out as they do when everything arrives at once and is reconciled
once. Each example runs inside a savepoint rolled back at its end.
"""

from contextlib import contextmanager
from decimal import Decimal
from itertools import pairwise

import hypothesis
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import strategies as st

from billing.models import ReconciliationException, UsageRecord
from billing.reconcile import reconcile
from tests.billing.conftest import assert_ledger_holds, send, usage
from vouchers.models import LedgerAccount, Voucher

examples = hypothesis.settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# (record_id, the record it corrects, day of June)
SHAPE = [("X", "", 10), ("X-c1", "X", 10), ("X-c2", "X", 12), ("Y", "", 11), ("Z", "", 9),
         ("Z-c1", "Z", 9)]  # fmt: skip
amounts = st.integers(min_value=0, max_value=40000).map(lambda fen: Decimal(fen) / 100)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def records(figures: list[Decimal]) -> list[dict]:
    return [
        usage(record_id=record_id, corrects=corrects, day=day, amount=str(amount))
        for (record_id, corrects, day), amount in zip(SHAPE, figures, strict=True)
    ]


def deliver(centre, batches: list[list[dict]]) -> dict:
    """Send each batch and reconcile after it; what the books say at the end."""
    for batch in batches:
        send(centre, batch)
        reconcile()
    voucher = Voucher.objects.get()
    assert_ledger_holds(voucher.programme)
    balances = LedgerAccount.objects.exclude(kind=LedgerAccount.Kind.FUNDING)
    return {
        "redeemed": voucher.redeemed,
        "balances": dict(balances.values_list("key", "balance")),
        "statuses": dict(UsageRecord.objects.values_list("record_id", "status")),
        "open cases": ReconciliationException.objects.filter(status="open").count(),
    }


@examples
@hypothesis.given(
    figures=st.lists(amounts, min_size=len(SHAPE), max_size=len(SHAPE)),
    order=st.permutations(range(len(SHAPE))),
    cuts=st.sets(st.integers(min_value=1, max_value=len(SHAPE) - 1)),
)
def test_every_delivery_order_gives_the_ledger_of_all_at_once(
    voucher, centre, figures, order, cuts
):
    sent = records(figures)
    with rolled_back():
        at_once = deliver(centre, [sent])
    arrivals = [sent[i] for i in order]
    edges = [0, *sorted(cuts), len(arrivals)]
    with rolled_back():
        in_order = deliver(centre, [arrivals[a:b] for a, b in pairwise(edges)])

    assert in_order == at_once
    assert at_once["open cases"] == 0


def test_a_correction_before_its_original_is_applied_when_the_original_comes(voucher, centre):
    """The issue's example: X-c1 corrects X to 80.00 and comes first; X at 100.00 later."""
    send(centre, [usage(record_id="X-c1", corrects="X", amount="80.00")])
    reconcile()
    case = ReconciliationException.objects.get()
    assert (case.reason, case.status) == ("unknown_original", "open")

    send(centre, [usage(record_id="X", amount="100.00")])
    reconcile()

    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("40.00")
    case.refresh_from_db()
    assert case.status == "superseded"
    assert UsageRecord.objects.get(record_id="X-c1").status == "redeemed"
    assert_ledger_holds(voucher.programme)
