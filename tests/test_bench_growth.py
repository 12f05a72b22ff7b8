"""The growth bench (bench/growth.py), run small so that it cannot rot: its new records
fit the world, its checks find what is wrong, its report states the targets, and on
PostgreSQL a whole measure (history, then new runs by two worker processes) finds
nothing wrong."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from bench import growth
from bench.report import write_section


def cycle(ingest_s: float, reconcile_s: float, new: int = 100) -> growth.Cycle:
    return growth.Cycle(
        ingest_s, reconcile_s, new, new, Decimal("50.00"), 0,
        spent=Counter({"UPDATE billing_usagerecord": reconcile_s / 2}),
        calls=Counter({"UPDATE billing_usagerecord": 1}),
    )  # fmt: skip


def result(history: int, whole_s: float, cycles: list, found=()) -> growth.Growth:
    return growth.Growth(
        history, history // 100, 1.0, whole_s, Counter({"UPDATE x": whole_s}),
        Counter({"UPDATE x": 3}), cycles, list(found), {"redeemed": history},
    )  # fmt: skip


def test_the_new_records_take_the_contracts_in_turn_within_the_next_month():
    records = growth.new_records(["B-1", "B-11"], repeat=2, month=date(2027, 1, 1), count=5)

    assert [r["contract_number"] for r in records] == ["B-1", "B-11", "B-1", "B-11", "B-1"]
    assert [r["record_id"] for r in records] == ["n2-0", "n2-1", "n2-2", "n2-3", "n2-4"]
    assert all(r["period_start"].startswith("2027-01-") for r in records)
    assert all(1 <= Decimal(r["amount"]) <= growth.NEW_AMOUNT_MAX for r in records)


def test_its_tally_finds_pending_records_missing_ones_and_a_new_run_without_subsidy():
    short = cycle(1.0, 1.0)
    short.subsidised = 99

    found = growth._tally({"redeemed": 10, "pending": 2}, 13, [cycle(1.0, 1.0), short], 100)

    assert found == [
        "2 records still pending",
        "statuses count 12 records, 13 loaded",
        "new run 2: 100 accepted, 99 subsidised of 100",
    ]
    assert growth._tally({"redeemed": 10, "exception": 3}, 13, [cycle(1.0, 1.0)], 100) == []


def test_its_report_judges_the_worst_new_run_and_the_whole_reconcile(tmp_path):
    small = result(1_000_000, 20.0, [cycle(1.0, 2.0), cycle(1.0, 3.0)])
    large = result(10_000_000, 230.0, [cycle(1.0, 3.0), cycle(1.2, 3.5)], ["1 record pending"])

    text = growth.section(about={"CPUs (nproc)": 2}, results=[small, large], options=["--x"])

    assert (
        "| 1,000,000 | 10,000 | 1.0 | 20.0 | 50,000 | 1.0 / 1.0 | 1.0 | 2.0 / 3.0 | 3.0 |" in text
    )
    assert (
        "worst (ingest + reconcile) 4.7 s against 4.0 s, **1.18x** (target at most 1.2x: met)"
        in text
    )
    assert "**11.5x** (target at most 11x: **not met**)" in text
    assert "| `UPDATE billing_usagerecord` | 1.50 s (1) | 1.75 s (1) |" in text
    assert "- 10,000,000: 1 record pending" in text
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\n## History\n\nold\n")
    for _ in range(2):
        write_section(page, text, growth.SECTION)
    assert page.read_text().count(growth.SECTION[0]) == 1
    assert page.read_text().endswith("## History\n\nold\n")


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the world is made by generate_series"
)
# The worker processes have their own connections: they see only committed data.
@pytest.mark.django_db(transaction=True)
def test_a_small_growth_measure_finds_nothing_wrong():
    measured = growth.measure(history=2000, new=200, repeats=2, workers=2, chunk=5)

    assert measured.problems == []
    assert [c.subsidised for c in measured.cycles] == [200, 200]
    assert sum(measured.statuses.values()) == 2000 + 2 * 200
    assert all(c.subsidy > 0 and c.spent for c in measured.cycles)
    # The history lies in the past twelve months' partitions, as in production.
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM billing_usagerecord GROUP BY 1")
        partitions = {row[0] for row in cursor.fetchall()}
    assert len(partitions) >= 12
    assert "billing_usagerecord_default" not in partitions


def test_a_new_run_larger_than_the_world_is_refused():
    with pytest.raises(ValueError, match="needs 20 vouchers"):
        growth.measure(history=1000, new=200, repeats=1, workers=1, chunk=5)
