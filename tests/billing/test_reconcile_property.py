"""Properties of reconciliation over random sets of records.

Three vouchers of a programme without minimum award: faces 300 and 500 (approved far
below the 150,000 entitlement, so the balance binds) and a revoked one; records also name an unknown
contract. Each example runs inside a savepoint rolled back at its end, so examples never
see each other's rows; the world is built once per test.
"""

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import hypothesis
import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck
from hypothesis import strategies as st

from billing.models import Settlement, UsageRecord
from billing.reconcile import reconcile
from billing.settlements import build_settlements
from tests.billing.conftest import assert_ledger_holds, issue, send
from vouchers.models import Voucher
from vouchers.services import ledger
from vouchers.services.closing import revoke_voucher

CONTRACTS = ["HT-A", "HT-B", "HT-R", "HT-UNKNOWN"]
JUNE_FIRST = date(2024, 6, 1)
# Large enough that no set of records exceeds it: only the vouchers' balances bind.
VALUE = "300000.00"
examples = hypothesis.settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def vouchers(small_programme, company, centre, bob):
    programme = small_programme
    made = [
        issue(programme, company, centre, bob, "HT-A", value=VALUE, amount="300.00"),
        issue(programme, company, centre, bob, "HT-B", value=VALUE, amount="500.00"),
        issue(programme, company, centre, bob, "HT-R", value=VALUE, amount="200.00"),
    ]
    revoke_voucher(voucher=made[2], by=bob, reason="合同解除")
    return made


# Whole fen from 0.00 to 400.00; a face of 300 is used up by a few records.
amounts = st.integers(min_value=0, max_value=40000).map(lambda fen: Decimal(fen) / 100)


@st.composite
def record_sets(draw):
    """5 to 25 distinct records, days in June to August."""
    count = draw(st.integers(min_value=5, max_value=25))
    return [
        record(
            i,
            contract=draw(st.sampled_from(CONTRACTS)),
            day=JUNE_FIRST + timedelta(days=draw(st.integers(min_value=0, max_value=80))),
            amount=draw(amounts),
        )
        for i in range(count)
    ]


def record(i: int, *, contract: str, day: date, amount: Decimal) -> dict:
    return {
        "record_id": f"r{i:03d}",
        "contract_number": contract,
        "period_start": f"{day.isoformat()}T08:00:00+08:00",
        "period_end": f"{day.isoformat()}T09:00:00+08:00",
        "amount": str(amount),
        "currency": "CNY",
    }


def outcome() -> tuple[dict, dict]:
    records = {r.record_id: (r.status, r.subsidy, r.exception) for r in UsageRecord.objects.all()}
    redeemed = dict(Voucher.objects.values_list("contract__number", "redeemed"))
    return records, redeemed


def reconciled(centre, batches: list[list[dict]], *, between: bool) -> tuple[dict, dict]:
    for batch in batches:
        send(centre, batch)
        if between:
            reconcile()
    reconcile()
    return outcome()


@examples
@hypothesis.given(records=record_sets(), data=st.data())
def test_any_order_or_duplication_gives_the_same_redemptions(vouchers, centre, records, data):
    with rolled_back():
        expected = reconciled(centre, [records], between=False)
    resent = records + data.draw(st.lists(st.sampled_from(records), max_size=10))
    shuffled = data.draw(st.permutations(resent))
    cut = data.draw(st.integers(min_value=0, max_value=len(shuffled)))

    with rolled_back():
        assert reconciled(centre, [shuffled[:cut], shuffled[cut:]], between=False) == expected
        assert_ledger_holds(vouchers[0].programme)


@examples
@hypothesis.given(records=record_sets(), data=st.data())
def test_batches_with_runs_between_give_the_same_total_per_voucher(vouchers, centre, records, data):
    with rolled_back():
        _, expected = reconciled(centre, [records], between=False)
    shuffled = data.draw(st.permutations(records))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(shuffled)), max_size=3)))
    batches = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(shuffled)], strict=True)]

    with rolled_back():
        _, redeemed = reconciled(centre, batches, between=True)
        assert redeemed == expected
        assert_ledger_holds(vouchers[0].programme)


@examples
@hypothesis.given(records=record_sets())
def test_settlements_equal_the_ledger(vouchers, centre, records):
    with rolled_back():
        reconciled(centre, [records], between=False)
        for period in ("2024-06", "2024-07", "2024-08"):
            build_settlements(period=period)

        programme = vouchers[0].programme
        statements = Settlement.objects.filter(programme=programme, provider=centre)
        total = statements.aggregate(s=Sum("total_subsidy"))["s"] or Decimal("0.00")
        assert total == ledger.redeemed_account(programme.pk, centre.pk).balance
        for voucher in Voucher.objects.all():
            assert voucher.redeemed <= voucher.face_value
