"""Reconcile stays linear in one voucher's backlog (issue 12, item 12), shown by the
shape of its plans on PostgreSQL rather than by a clock: a month of records on one
voucher, loaded with no ANALYZE (the statistics a bulk load leaves), must be priced
without a nested loop that rescans a set of records, and applied to the records from a
table of outcomes the planner has counted. The old statement joined two CTEs by record id and the planner,
guessing a few hundred rows, rescanned one of them per row of the other."""

import json
from datetime import date

import pytest
from django.db import connection

from billing import reconcile

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL plans"),
    pytest.mark.django_db,
]

BACKLOG = 20_000

LOAD = """
INSERT INTO billing_usagerecord (
    provider_id, record_id, contract_number, contract_key, period_start, period_end,
    start_date, end_date, sku, description, quantity, unit, amount, currency, corrects,
    content_hash, status, reconcile_run, received_at, delta)
SELECT %(provider)s, 'b' || g, %(number)s, %(key)s,
       %(day)s::timestamp AT TIME ZONE 'Asia/Shanghai',
       %(day)s::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '1 hour',
       %(day)s::date, %(day)s::date, 'gpu-a800-hour', '', 0, 'hour', 0.10, 'CNY', '',
       md5(g::text), 'pending', '', now(), false
FROM generate_series(1, %(records)s) g
"""

# Nodes that hand a nested loop's inner side a set of records (a CTE's, a subquery's,
# a window's) to go through again per outer row; an index scan (a lookup by key) is fine
# there.
RESCANNED = {"CTE Scan", "Subquery Scan", "WindowAgg"}
# Nodes that keep a set to go through again: a problem when it holds the records, not
# when it holds a small table's rows (the usual prices, the contracts), which the
# planner may materialise once statistics say the table is small.
KEPT = {"Materialize", "Sort", "Hash Join"}


@pytest.fixture
def backlog(voucher):
    contract = voucher.contract
    with connection.cursor() as cursor:
        cursor.execute(
            LOAD,
            {"provider": contract.provider_id, "number": contract.number,
             "key": contract.number_key, "records": BACKLOG, "day": date(2024, 6, 10)},
        )  # fmt: skip
    return voucher


def plan_of(sql: str, params: list) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        found = cursor.fetchone()[0]
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def holding_records() -> set[str]:
    """The usage tables that hold records: the table, or on PostgreSQL's partitioned
    table its months that do (a scan of an empty month costs nothing)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tableoid::regclass::text FROM billing_usagerecord")
        return {row[0] for row in cursor.fetchall()}


def rescanning_loops(plan: dict, full: set[str] = frozenset({"billing_usagerecord"})) -> list[str]:
    """Nested loops whose inner side is a set gone through again for every outer row;
    `full`: the usage tables holding records."""
    found = []
    for node in nodes(plan):
        if node["Node Type"] == "Nested Loop":
            inner = node["Plans"][1]
            kinds = {n["Node Type"] for n in nodes(inner)}
            # A sequential scan of the records themselves, not of a small table beside
            # an index lookup of them (the planner may pick either for the one voucher).
            scanned = {n.get("Relation Name") for n in nodes(inner) if n["Node Type"] == "Seq Scan"}
            records = {n.get("Relation Name") for n in nodes(inner)} & full
            if kinds & RESCANNED or scanned & full or (kinds & KEPT and records):
                found.append(f"{node['Node Type']} over {sorted(kinds)}")
    return found


def test_a_backlog_is_priced_without_rescanning_its_records(backlog):
    plan = plan_of(reconcile.price_sql("%s"), [backlog.pk, backlog.pk])

    assert rescanning_loops(plan, holding_records()) == []


def test_the_priced_records_are_applied_without_rescanning_either_side(backlog):
    with connection.cursor() as cursor:
        sql = f"CREATE TEMPORARY TABLE reconcile_outcome AS {reconcile.price_sql('%s')}"
        cursor.execute(sql, [backlog.pk, backlog.pk])
        cursor.execute("ANALYZE reconcile_outcome")
    plan = plan_of(reconcile._sql(reconcile.APPLY_RECORDS), ["run", "2024-06-11T00:00:00Z"])

    full = holding_records()
    assert rescanning_loops(plan, full) == []
    relations = {n.get("Relation Name") for n in nodes(plan)}
    assert full | {"reconcile_outcome"} <= relations


def test_the_check_finds_the_old_shape():
    """The rescanning nested loop of the old plan, as EXPLAIN gave it."""
    old = {
        "Node Type": "Nested Loop",
        "Plans": [
            {"Node Type": "CTE Scan", "Plans": []},
            {"Node Type": "CTE Scan", "Plans": []},
        ],
    }
    assert rescanning_loops(old) != []
