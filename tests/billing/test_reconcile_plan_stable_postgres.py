"""Reconcile's plans keep their shape when the statistics change mid-run (issue 17).

Autoanalyze runs on the usage table while a long reconcile is under way (after 2% of a
month changes), so a run starts with the statistics its bulk load left (every record
pending) and goes on with others (half of them redeemed). Each statement of the run
is EXPLAINed as it is sent, with its own parameters, before and after an ANALYZE made
after half the chunks: the search for vouchers with pending records, the claim, the
pricing, the apply, the usual-price bands and the unmatched flag. A plan that changed
its join method or started reading the whole usage table there is what took a
10,000,000-record run from seconds to minutes a chunk. The records are received over three months, so on the partitioned table the
plans go through several month partitions, as in production.
"""

import json
import re
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bench import billing_world
from billing import reconcile
from billing.partitions import ensure_partitions
from tests.billing.test_reconcile_plan_postgres import holding_records, nodes, rescanning_loops

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL plans"),
    pytest.mark.django_db,
]

VOUCHERS, PER_VOUCHER, CHUNK = 200, 100, 25  # 8 chunks; ANALYZE after the 4th
RECEIVED_DAYS = 90
USAGE = "billing_usagerecord"

# The statement each label stands for, by what its text holds.
STATEMENTS = {
    "waiting": ("SELECT DISTINCT provider_id, contract_key",),
    "claim": ("SKIP LOCKED", '"vouchers_voucher"'),
    "price": ("CREATE TEMPORARY TABLE reconcile_outcome",),
    "apply": ("UPDATE billing_usagerecord", "FROM reconcile_outcome"),
    "count prices": ("INTO billing_skupricebucket",),
    "price bands": ("FROM reconcile_outcome WHERE quantity",),
    "flag": ("UPDATE billing_usagerecord", "SET status = 'exception'"),
    "stranded corrections": ("JOIN billing_usagerecord o", "unknown_original"),
}
JOINS = {"Nested Loop", "Hash Join", "Merge Join"}
# Every statement of a run but the usual-price count (a short transaction of its own).
WITHOUT_JIT = tuple(label for label in STATEMENTS if label != "count prices")


def label_of(sql: str) -> str | None:
    for label, parts in STATEMENTS.items():
        if all(part in sql for part in parts):
            return label
    return None


def explain(raw_cursor, sql: str, params) -> dict:
    raw_cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    found = raw_cursor.fetchone()[0]
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


@contextmanager
def plans_mid_run(plans: dict, jit: dict, *, analyse_after: int):
    """Every labelled statement's plan, as "before" or "after" the ANALYZE made before
    the claim that follows chunk `analyse_after`'s apply, and the `jit` setting it ran
    under."""
    applied = 0
    phase = "before"

    def wrapper(execute, sql, params, many, context):
        nonlocal applied, phase
        label = label_of(sql)
        raw = context["cursor"].cursor
        if label == "claim" and applied == analyse_after and phase == "before":
            raw.execute("ANALYZE")
            phase = "after"
        if label and not many:
            plans[label][phase].append(explain(raw, sql, params))
            raw.execute("SHOW jit")
            jit[label].add(raw.fetchone()[0])
        applied += label == "apply"
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def usage_table(relation: str | None) -> bool:
    """The usage table or one of its month partitions."""
    return relation is not None and re.fullmatch(rf"{USAGE}(_\w+)?", relation) is not None


def joins(plan: dict) -> list[str]:
    return [n["Node Type"] for n in nodes(plan) if n["Node Type"] in JOINS]


def whole_usage_reads(plan: dict, full: set[str]) -> list[str]:
    """Sequential scans of usage tables that hold records: read through, not by key."""
    return [
        f"Seq Scan on {n['Relation Name']}"
        for n in nodes(plan)
        if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in full
    ]


def apply_by_key(plan: dict, full: set[str]) -> bool:
    """The apply walks its outcomes and looks each record up by primary key."""
    loops = [n for n in nodes(plan) if n["Node Type"] == "Nested Loop"]
    if len(loops) != 1 or joins(plan) != ["Nested Loop"]:
        return False
    outer, inner = loops[0]["Plans"]
    lookups = [n for n in nodes(inner) if n.get("Relation Name") in full]
    return (
        outer.get("Relation Name") == "reconcile_outcome"
        and bool(lookups)
        and all(
            n["Node Type"] == "Index Scan" and n["Index Name"].endswith("pkey") for n in lookups
        )
    )


def shape_problems(plans: dict, full: set[str]) -> list[str]:
    found = []
    for label in STATEMENTS:
        for phase in ("before", "after"):
            if not plans[label][phase]:
                found.append(f"{label}: not planned {phase} the ANALYZE")
            for plan in plans[label][phase]:
                where = f"{label}, {phase} the ANALYZE"
                found += [f"{where}: {read}" for read in whole_usage_reads(plan, full)]
                found += [f"{where}: {loop}" for loop in rescanning_loops(plan, full)]
                if label == "apply" and not apply_by_key(plan, full):
                    found.append(f"{where}: not a lookup by key per outcome: {joins(plan)}")
                # The stranded corrections come from their own small index (a month's
                # is named for its columns), not from every record of the provider.
                if label == "stranded corrections" and not any(
                    "corrects" in n.get("Index Name", "") for n in nodes(plan)
                ):
                    found.append(f"{where}: not through the stranded corrections' index")
                if label == "price bands" and any(
                    usage_table(n.get("Relation Name")) for n in nodes(plan)
                ):
                    found.append(f"{where}: reads the usage table")
    for label in ("apply", "flag"):
        methods = {phase: {tuple(joins(p)) for p in plans[label][phase]} for phase in plans[label]}
        if methods["before"] != methods["after"]:
            found.append(f"{label}: joins {methods['before']} became {methods['after']}")
    return found


@pytest.fixture
def bulk_loaded():
    """Vouchers and their records loaded set-wise, then ANALYZEd, as a provider's bulk
    load leaves them (a large usage file is analysed after its load)."""
    ensure_partitions(since=timezone.localdate() - timedelta(days=RECEIVED_DAYS))
    return billing_world.build(
        vouchers=VOUCHERS, per_voucher=PER_VOUCHER, received_days=RECEIVED_DAYS
    )


def test_reconciles_plans_keep_their_shape_when_the_statistics_change_mid_run(bulk_loaded):
    """Checked set-wise in one run (the world takes seconds to build): every statement
    planned before and after; none reads a usage table holding records through (the
    unmatched flag included: it goes through the pending-records indexes); no nested loop goes through a set again per row; the apply is one lookup by
    key per outcome; the bands read the outcomes; the apply and the flag keep their
    join methods."""
    full = holding_records()
    plans = defaultdict(lambda: {"before": [], "after": []})
    jit = defaultdict(set)
    with connection.cursor() as cursor:
        flag = reconcile.FLAG_UNMATCHED
        with reconcile.planner_settings(cursor, reconcile.PENDING_BY_INDEX):
            plans["flag"]["before"].append(explain(cursor.cursor, flag, ["run", timezone.now()]))
    with plans_mid_run(plans, jit, analyse_after=VOUCHERS // CHUNK // 2):
        reconcile.reconcile(chunk=CHUNK)

    assert len(full) > 1
    problems = shape_problems(plans, full)
    assert not problems, "\n".join(problems)
    # The chunk's statements, the search for pending records and the flag run without
    # JIT compiling (at 10M records of history it cost more than the apply's lookups);
    # this small world's costs stay under the thresholds, so the setting is checked.
    compiled = {label: jit[label] for label in WITHOUT_JIT if jit[label] != {"off"}}
    assert not compiled, compiled


def test_the_check_finds_a_hashed_apply():
    """The apply the planner picks by its costs for a large chunk: the whole usage
    table hashed against the outcomes."""
    hashed = {
        "Node Type": "Update",
        "Plans": [
            {
                "Node Type": "Hash Join",
                "Plans": [
                    {"Node Type": "Seq Scan", "Relation Name": "billing_usagerecord_2026_12"},
                    {
                        "Node Type": "Hash",
                        "Plans": [{"Node Type": "Seq Scan", "Relation Name": "reconcile_outcome"}],
                    },
                ],
            }
        ],
    }
    full = {"billing_usagerecord_2026_12"}
    assert not apply_by_key(hashed, full)
    assert whole_usage_reads(hashed, full) == ["Seq Scan on billing_usagerecord_2026_12"]


def waiting_plan() -> dict:
    with (
        connection.cursor() as cursor,
        reconcile.planner_settings(cursor, reconcile.WAITING_HASHED),
    ):
        return explain(cursor.cursor, reconcile.WAITING_VOUCHERS.format(scope=""), [])


def test_the_search_for_waiting_vouchers_never_goes_through_the_records_per_voucher(
    bulk_loaded,
):
    """Planned with statistics that say nothing is pending (taken before the records
    came) and with fresh ones: neither plan reads a month through or goes through the
    pending records again for each voucher."""
    full = holding_records()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {USAGE} SET status = 'redeemed'")
        cursor.execute(f"ANALYZE {USAGE}")
        cursor.execute(f"UPDATE {USAGE} SET status = 'pending'")
    stale = waiting_plan()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {USAGE}")
    fresh = waiting_plan()

    for plan in (stale, fresh):
        assert whole_usage_reads(plan, full) == []
        assert rescanning_loops(plan, full) == []
    assert len(reconcile._waiting_vouchers(None)) == VOUCHERS


def test_planner_settings_hold_inside_and_give_back_what_was_set_before():
    """A chunk sets jit off for its whole transaction; a statement's own settings inside
    it must come back to that, not to the server's default."""

    def shown(cursor) -> tuple[str, str]:
        cursor.execute("SELECT current_setting('jit'), current_setting('enable_seqscan')")
        return cursor.fetchone()

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        with reconcile.planner_settings(cursor, {"jit": "on", "enable_seqscan": "off"}):
            inside = shown(cursor)
        after = shown(cursor)

    assert inside == ("on", "off")
    assert after == ("off", "on")
