"""A month of backlog on one voucher: N pending records of one contract, reconciled at
once on PostgreSQL, with the ledger's invariants checked afterwards.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/voucher .venv/bin/python bench/backlog.py \\
        --records 200000 --repeat 3

The shape evenly spread fixtures miss (issue 12, item 12): every record lands in one
chunk of one voucher, priced by one window over them all. The records are loaded with
no ANALYZE afterwards, so the planner sees the table as the migrations left it (stale
statistics, as right after a provider's bulk load). Each repeat builds a fresh scratch
database (`bench_backlog` by default), measures one reconcile and drops it. Prints a
Markdown table row per repeat, then the worst.
"""

# ruff: noqa: E402  (Django must be set up before the models are imported)

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench

bench.setup()

from django.db import connection
from django.utils import timezone

from bench import billing_world
from bench.report import machine, production_like, scratch_database
from billing.reconcile import reconcile
from vouchers.models import Programme
from vouchers.services.ledger_check import check_ledger

# Amounts of 0.01 to 0.09 yuan (0.05 on average): 200,000 records bill 10,000 yuan,
# within the 20,000 yuan contract, and earn 4,000 yuan at 50%, the voucher's face value.
GENERATE = """
INSERT INTO billing_usagerecord (
    provider_id, record_id, contract_number, contract_key, period_start, period_end,
    start_date, end_date, sku, description, quantity, unit, amount, currency, corrects,
    content_hash, status, reconcile_run, received_at, delta)
SELECT %(provider)s, 'r' || g, %(number)s, %(key)s,
       d::timestamp AT TIME ZONE 'Asia/Shanghai', d::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '1 hour',
       d, d, 'gpu-a800-hour', 'A800 GPU hours', 0, 'hour',
       (1 + (g * 7919) %% 9) / 100.0, 'CNY', '', md5(g::text), 'pending', '', now(), false
FROM generate_series(1, %(records)s::bigint) g,
     LATERAL (SELECT %(day)s::date + ((g * 31) %% 28)::int AS d) day
"""


def run_once(records: int) -> tuple[float, list[str], dict]:
    today = timezone.localdate()
    voucher = billing_world._template_voucher(today, budget=billing_world.FACE)
    contract = voucher.contract
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE,
            {"provider": contract.provider_id, "number": contract.number,
             "key": contract.number_key, "records": records, "day": today},
        )  # fmt: skip
    began = time.perf_counter()
    outcome = reconcile()
    seconds = time.perf_counter() - began
    problems = check_ledger(programmes=[Programme.objects.get(pk=voucher.programme_id)]).problems
    return seconds, problems, outcome.as_dict()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default="bench_backlog")
    args = parser.parse_args(argv)
    production_like()
    about = machine()
    print(about)
    print("| records on one voucher | run | reconcile s | records/s | outcome | ledger problems |")
    times, wrong = [], 0
    for run in range(1, args.repeat + 1):
        with scratch_database(args.database):
            seconds, problems, outcome = run_once(args.records)
        times.append(seconds)
        wrong += len(problems)
        print(
            f"| {args.records:,} | {run} | {seconds:.1f} | {args.records / seconds:,.0f} | "
            f"{outcome} | {len(problems)} |",
            flush=True,
        )
        for problem in problems[:10]:
            print("PROBLEM", problem)
    print(f"worst of {len(times)}: {max(times):.1f} s")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
