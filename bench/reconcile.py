"""Reconcile N records across V vouchers on PostgreSQL, against one window-function pass
over the same rows, with the ledger's invariants checked afterwards.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/voucher REDIS_URL=redis://127.0.0.1:63799/0 \\
        .venv/bin/python bench/reconcile.py --vouchers 10000 --per-voucher 100

A scratch database (`bench_billing` by default) is created, migrated, filled
(bench/billing_world.py), measured and dropped. `--workers K` runs K processes at once,
each calling `reconcile()` (they share the work by claiming vouchers). Prints one line
of results as a Markdown table row.

Run it with REDIS_URL, as production runs: the tasks a run queues after its commits (the
e-mails of the vouchers it used up) go to the broker for a Celery worker, as they do in
production. Without it every task runs in-process at once, inside the timed reconcile
(6,832 notification reads of 1,000,000 records), and the bench says so.
"""

# ruff: noqa: E402  (Django must be set up before the models are imported)

import argparse
import multiprocessing
import os
import re
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench

bench.setup()

from django.conf import settings
from django.db import connection, connections

from bench import billing_world
from bench.report import machine, production_like, scratch_database
from billing.reconcile import CHUNK, reconcile
from vouchers.models import Programme
from vouchers.services.ledger_check import check_ledger

# The baseline: the running subsidy per voucher in one pass, no writes.
WINDOW_PASS = """
SELECT count(*), sum(cum) FROM (
    SELECT SUM(TRUNC(amount * 0.5, 2)) OVER (
        PARTITION BY contract_key ORDER BY period_start, record_id
        ROWS UNBOUNDED PRECEDING) AS cum
    FROM billing_usagerecord) w
"""

PROBLEMS = """
SELECT count(*) FROM vouchers_voucher v
LEFT JOIN (SELECT voucher_id, SUM(subsidy) AS s FROM billing_usagerecord
           WHERE status = 'redeemed' GROUP BY voucher_id) r ON r.voucher_id = v.id
LEFT JOIN vouchers_ledgeraccount a ON a.voucher_id = v.id
WHERE v.redeemed <> COALESCE(r.s, 0) OR v.redeemed + v.released > v.face_value
   OR a.balance <> v.face_value - v.redeemed - v.released
"""


def timed(call) -> tuple[float, object]:
    began = time.perf_counter()
    result = call()
    return time.perf_counter() - began, result


def window_pass() -> float:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(WINDOW_PASS)
            return cursor.fetchone()

    return timed(run)[0]


@contextmanager
def statement_times(into: Counter, counts: Counter):
    """Seconds and calls per statement, labelled by its opening words (where a run's
    time goes, to compare one size with another)."""

    def wrapper(execute, sql, params, many, context):
        label = re.sub(r"\s+", " ", sql).strip()[:70]
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            into[label] += time.perf_counter() - began
            counts[label] += 1

    with connection.execute_wrapper(wrapper):
        yield


def _worker(chunk: int):
    connections.close_all()
    seconds, calls = Counter(), Counter()
    with statement_times(seconds, calls):
        outcome = reconcile(chunk=chunk).as_dict()
    return outcome, seconds, calls


def reconcile_with(workers: int, chunk: int) -> tuple[float, list[dict], Counter, Counter]:
    if workers == 1:
        seconds, (outcome, spent, calls) = timed(lambda: _worker(chunk))
        return seconds, [outcome], spent, calls
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        seconds, results = timed(lambda: pool.map(_worker, [chunk] * workers))
    spent, calls = Counter(), Counter()
    for _, worker_spent, worker_calls in results:
        spent.update(worker_spent)
        calls.update(worker_calls)
    return seconds, [outcome for outcome, _, _ in results], spent, calls


def problems(programme_id: int) -> list[str]:
    found = check_ledger(programmes=[Programme.objects.get(pk=programme_id)]).problems
    with connection.cursor() as cursor:
        cursor.execute(PROBLEMS)
        bad = cursor.fetchone()[0]
    return found + ([f"{bad} vouchers whose redeemed, records or reserve disagree"] if bad else [])


def status_counts() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, count(*) FROM billing_usagerecord GROUP BY status")
        return dict(cursor.fetchall())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vouchers", type=int, default=10000)
    parser.add_argument("--per-voucher", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=CHUNK, help="vouchers per transaction")
    parser.add_argument("--database", default="bench_billing")
    args = parser.parse_args(argv)
    production_like()
    if settings.CELERY_TASK_ALWAYS_EAGER:
        print("no REDIS_URL: the run's tasks (e-mails) run in-process, inside the timing")
    about = machine()
    with scratch_database(args.database):
        built, world = timed(
            lambda: billing_world.build(vouchers=args.vouchers, per_voucher=args.per_voucher)
        )
        print(
            f"built {world.records} records on {world.vouchers} vouchers in {built:.1f} s",
            flush=True,
        )
        baseline = window_pass()
        seconds, outcomes, spent, calls = reconcile_with(args.workers, args.chunk)
        wrong = problems(world.programme_id)
        counts = status_counts()
        again, _ = timed(reconcile)
    about["load average after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(about)
    print(f"statuses: {counts}; outcomes: {outcomes}")
    print(
        "| records | vouchers | workers | reconcile s | records/s | window pass s | ratio | re-run s | invariant problems |"
    )
    print(
        f"| {world.records:,} | {world.vouchers:,} | {args.workers} | {seconds:.1f} | "
        f"{world.records / seconds:,.0f} | {baseline:.2f} | {seconds / baseline:.1f}x | {again:.2f} | {len(wrong)} |"
    )
    print("statement seconds (summed over workers), calls:")
    for label, total in spent.most_common(12):
        print(f"  {total:8.2f} s {calls[label]:6d}x  {label}")
    for problem in wrong[:10]:
        print("PROBLEM", problem)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
