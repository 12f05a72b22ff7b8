"""Growth as users meet it (issue 17): a reconciled history of H usage records, then
cycles of new records ingested and reconciled, at each history size.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/voucher REDIS_URL=redis://127.0.0.1:63799/0 \\
        .venv/bin/python bench/growth.py --history 1000000 10000000 --repeats 3

For each size H, in a scratch database of its own (`bench_growth`: created, migrated,
dropped): a world of H records on H/100 vouchers (bench/billing_world.py; received over
the last 12 months, so on PostgreSQL they lie in those months' partitions; service days
within the contracts), reconciled all at once by `--workers` processes: the whole
reconcile. Then `--repeats` times on the same world, the new run: `--new` records for the
next service month, 10 on each of a fixed subset of vouchers spread over those the
history left room for, POSTed as the API's batches of 1,000 (`api.batch.ingest_batch`:
parse, then `ingest_records` in a transaction; they land in this month's partition) and
reconciled by as many workers. Between the whole reconcile and the new runs the usage
table is vacuumed once (not timed), as autovacuum has done to production's months of
history; the new runs are left to autovacuum. Checked afterwards: `check_ledger` and the set-wise voucher
checks of bench/reconcile.py, no record left pending, the statuses adding up to every
record loaded, every new record accepted and redeemed with a subsidy.

Run it with REDIS_URL, as bench/reconcile.py: the tasks a run queues (the e-mails of the
vouchers it used up) then go to the broker, as in production, not into the timing.
"""

# ruff: noqa: E402  (Django must be set up before the models are imported)

import argparse
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench

bench.setup()

import msgspec
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Provider
from api.batch import ingest_batch
from bench import billing_world
from bench.reconcile import problems, reconcile_with, statement_times, status_counts, timed
from bench.report import (
    REPRODUCE_ON,
    heading,
    machine,
    markers,
    production_like,
    scratch_database,
    write_section,
)
from billing.partitions import ensure_partitions, next_month
from billing.reconcile import CHUNK

SECTION = markers("bench/growth.py")
HISTORY_PER_VOUCHER = 100
NEW_PER_VOUCHER = 10
BATCH = 1000  # records per API request
# The contract's whole entitlement (20,000 yuan at 50%): the history's amounts repeat
# per voucher (0.01 to 200.00 yuan, 98 fitting records), so it takes 0 to 9,800 yuan of
# subsidy; vouchers with room left get the new records (`with_room`).
FACE = Decimal("10000.00")
NEW_AMOUNT_MAX = Decimal("100.99")
RECEIVED_DAYS = 365
# Targets (issue 17): the new run at 10x the history within 1.2x; the whole reconcile
# within 1.1x of linear.
NEW_RUN_TARGET, WHOLE_TARGET = 1.2, 1.1


@dataclass
class Cycle:
    ingest_s: float
    reconcile_s: float
    accepted: int
    subsidised: int  # new records redeemed with a subsidy above zero
    subsidy: Decimal
    autoanalyses: int  # of the usage table (all its partitions) in this database
    ingest_spent: Counter = field(default_factory=Counter)
    ingest_calls: Counter = field(default_factory=Counter)
    spent: Counter = field(default_factory=Counter)
    calls: Counter = field(default_factory=Counter)

    @property
    def seconds(self) -> float:
        return self.ingest_s + self.reconcile_s


@dataclass
class Growth:
    history: int
    vouchers: int
    built_s: float
    whole_s: float
    spent: Counter
    calls: Counter
    cycles: list[Cycle]
    problems: list[str]
    statuses: dict

    @property
    def worst(self) -> Cycle:
        return max(self.cycles, key=lambda c: c.seconds)


def _vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) billing_usagerecord")


def measure(*, history: int, new: int, repeats: int, workers: int, chunk: int) -> Growth:
    """The whole reconcile of a fresh world of `history` records, then the new runs."""
    vouchers = history // HISTORY_PER_VOUCHER
    subset = new // NEW_PER_VOUCHER
    if not 0 < subset <= vouchers:
        raise ValueError(f"--new {new:,} needs {subset:,} vouchers; a history of {history:,} has {vouchers:,}")  # fmt: skip
    ensure_partitions(since=timezone.localdate() - timedelta(days=RECEIVED_DAYS))
    built_s, world = timed(
        lambda: billing_world.build(vouchers=vouchers, face=FACE, received_days=RECEIVED_DAYS)
    )
    print(f"history {history:,}: built in {built_s:.1f} s", flush=True)
    whole_s, _, spent, calls = reconcile_with(workers, chunk)
    print(f"history {history:,}: whole reconcile {whole_s:.1f} s", flush=True)
    # The history is what production has reconciled over past months, which autovacuum
    # has long since vacuumed: left as the whole reconcile leaves it, the pending-records
    # index would still list every record that was pending (dead entries), and the new
    # run's claim and checks would walk through them, a cost of this bench's haste.
    vacuum_s, _ = timed(_vacuum)
    print(f"history {history:,}: vacuumed in {vacuum_s:.1f} s (not timed)", flush=True)
    provider = Provider.objects.get(pk=world.provider_id)
    contracts = with_room(world.programme_id, subset, repeats * -(-new // subset))
    cycles = []
    for repeat in range(repeats):
        cycles.append(_cycle(provider, contracts, repeat, new, workers, chunk, world.first_day))
        done = cycles[-1]
        print(
            f"history {history:,}: new run {repeat + 1}: ingest {done.ingest_s:.1f} s, "
            f"reconcile {done.reconcile_s:.1f} s",
            flush=True,
        )
    statuses = status_counts()
    wrong = problems(world.programme_id) + _tally(statuses, history + repeats * new, cycles, new)
    return Growth(history, vouchers, built_s, whole_s, spent, calls, cycles, wrong, statuses)


# Each voucher's room left after the history: its face (at its rate) and its contract's
# value less what its redeemed records billed.
ROOM = """
SELECT c.number FROM vouchers_voucher v
JOIN vouchers_contract c ON c.id = v.contract_id
LEFT JOIN (SELECT voucher_id, SUM(amount) AS billed FROM billing_usagerecord
           WHERE status = 'redeemed' GROUP BY voucher_id) r ON r.voucher_id = v.id
WHERE v.programme_id = %s AND v.face_value - v.redeemed - v.released >= %s * v.rate
  AND c.value - COALESCE(r.billed, 0) >= %s
ORDER BY v.id
"""


def with_room(programme_id: int, count: int, records: int) -> list[str]:
    """The contract numbers of `count` vouchers spread over those with room for `records`
    more records at the largest new amount (each keeps earning a subsidy)."""
    billed = records * NEW_AMOUNT_MAX
    with connection.cursor() as cursor:
        cursor.execute(ROOM, [programme_id, billed, billed])
        numbers = [row[0] for row in cursor.fetchall()]
    if len(numbers) < count:
        raise ValueError(f"{len(numbers):,} vouchers have room for {records} new records, {count:,} needed")  # fmt: skip
    return [numbers[i * len(numbers) // count] for i in range(count)]


def new_records(contracts: list[str], repeat: int, month: date, count: int) -> list[dict]:
    """`count` records taking the contracts in turn, service days in `month`'s first
    four weeks, amounts 1.00 to NEW_AMOUNT_MAX (each earns a subsidy of at least 0.50)."""
    records = []
    for i in range(count):
        day = month + timedelta(days=i % 28)
        records.append(
            {
                "record_id": f"n{repeat}-{i}",
                "contract_number": contracts[i % len(contracts)],
                "period_start": f"{day}T08:00:00+08:00",
                "period_end": f"{day}T09:00:00+08:00",
                "sku": "gpu-a800-hour",
                "description": "A800 GPU hours",
                "quantity": "10",
                "unit": "hour",
                "amount": f"{1 + (i * 7919) % 10000 / 100:.2f}",
                "currency": "CNY",
            }
        )
    return records


def _cycle(provider, contracts, repeat, new, workers, chunk, first_day) -> Cycle:
    raw = new_records(contracts, repeat, next_month(first_day.replace(day=1)), new)
    bodies = [msgspec.json.encode({"records": raw[i : i + BATCH]}) for i in range(0, new, BATCH)]
    ingest_spent, ingest_calls = Counter(), Counter()
    accepted = 0
    with statement_times(ingest_spent, ingest_calls):
        began = time.perf_counter()
        for body in bodies:
            _, answer = ingest_batch(provider=provider, body=body)
            accepted += answer.count(b'"accepted"')
        ingest_s = time.perf_counter() - began
    reconcile_s, _, spent, calls = reconcile_with(workers, chunk)
    subsidised, subsidy = _subsidised(f"n{repeat}-%")
    return Cycle(
        ingest_s, reconcile_s, accepted, subsidised, subsidy, _autoanalyses(),
        ingest_spent, ingest_calls, spent, calls,
    )  # fmt: skip


def _subsidised(pattern: str) -> tuple[int, Decimal]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), COALESCE(sum(subsidy), 0) FROM billing_usagerecord "
            "WHERE record_id LIKE %s AND status = 'redeemed' AND subsidy > 0",
            [pattern],
        )
        return cursor.fetchone()


def _autoanalyses() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(sum(autoanalyze_count), 0) FROM pg_stat_user_tables "
            "WHERE relname LIKE 'billing_usagerecord%%'"
        )
        return int(cursor.fetchone()[0])


def _tally(statuses: dict, loaded: int, cycles: list[Cycle], new: int) -> list[str]:
    found = []
    if statuses.get("pending"):
        found.append(f"{statuses['pending']:,} records still pending")
    if sum(statuses.values()) != loaded:
        found.append(f"statuses count {sum(statuses.values()):,} records, {loaded:,} loaded")
    for number, cycle in enumerate(cycles, 1):
        if cycle.accepted != new or cycle.subsidised != new:
            found.append(
                f"new run {number}: {cycle.accepted:,} accepted, {cycle.subsidised:,} "
                f"subsidised of {new:,}"
            )
    return found


def _ratio(larger: float, smaller: float) -> float:
    return larger / smaller if smaller else float("inf")


def verdicts(results: list[Growth]) -> list[str]:
    """The growth from the smallest history to each larger one, against the targets."""
    lines = []
    base = results[0]
    for grown in results[1:]:
        times = grown.history / base.history
        new_run = _ratio(grown.worst.seconds, base.worst.seconds)
        whole = _ratio(grown.whole_s, base.whole_s)
        lines += [
            f"- History {grown.history:,} against {base.history:,} ({times:g}x): the new run's "
            f"worst (ingest + reconcile) {grown.worst.seconds:.1f} s against "
            f"{base.worst.seconds:.1f} s, **{new_run:.2f}x** (target at most {NEW_RUN_TARGET}x: "
            f"{_met(new_run <= NEW_RUN_TARGET)}); ingest {_ratio(grown.worst.ingest_s, base.worst.ingest_s):.2f}x, "
            f"reconcile {_ratio(grown.worst.reconcile_s, base.worst.reconcile_s):.2f}x.",
            f"- The whole reconcile {grown.whole_s:.1f} s against {base.whole_s:.1f} s, "
            f"**{whole:.1f}x** (target at most {WHOLE_TARGET * times:g}x: "
            f"{_met(whole <= WHOLE_TARGET * times)}).",
        ]  # fmt: skip
    return lines


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def table(results: list[Growth]) -> list[str]:
    lines = [
        "| history | vouchers | build s | whole reconcile s | records/s | new-run ingest s "
        "| worst | new-run reconcile s | worst | autoanalyses (usage) | invariant problems |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for g in results:
        ingest = " / ".join(f"{c.ingest_s:.1f}" for c in g.cycles)
        runs = " / ".join(f"{c.reconcile_s:.1f}" for c in g.cycles)
        analysed = g.cycles[-1].autoanalyses if g.cycles else 0
        lines.append(
            f"| {g.history:,} | {g.vouchers:,} | {g.built_s:.1f} | {g.whole_s:.1f} "
            f"| {g.history / g.whole_s:,.0f} | {ingest} | {max(c.ingest_s for c in g.cycles):.1f} "
            f"| {runs} | {max(c.reconcile_s for c in g.cycles):.1f} | {analysed} | {len(g.problems)} |"
        )
    return lines


def statements(title: str, figures: list[tuple[int, Counter, Counter]], top: int = 8) -> list[str]:
    """Seconds (and calls) per statement at each history size, the statements that cost
    most at any size first."""
    labels = []
    for _, spent, _ in figures:
        labels += [label for label, _ in spent.most_common(top) if label not in labels]
    labels.sort(key=lambda label: -max(spent[label] for _, spent, _ in figures))
    sizes = " | ".join(f"{history:,}" for history, _, _ in figures)
    lines = [f"| {title} | {sizes} |", "|---|" + "---:|" * len(figures)]
    for label in labels:
        cells = " | ".join(f"{spent[label]:.2f} s ({calls[label]})" for _, spent, calls in figures)
        lines.append(f"| `{label.replace('|', '/')}` | {cells} |")
    return lines


def section(*, about: dict, results: list[Growth], options: list[str]) -> str:
    command = f"DATABASE_URL={REPRODUCE_ON} REDIS_URL=redis://127.0.0.1:63799/0 .venv/bin/python bench/growth.py"
    worst = [(g.history, g.worst.spent, g.worst.calls) for g in results]
    ingest = [(g.history, g.worst.ingest_spent, g.worst.ingest_calls) for g in results]
    whole = [(g.history, g.spent, g.calls) for g in results]
    found = [f"- {g.history:,}: {problem}" for g in results for problem in g.problems[:10]]
    return "\n".join(
        [
            SECTION[0],
            *heading(
                "Growth: a reconciled history, then new runs (bench/growth.py)",
                " ".join([command, *options]),
                about,
            ),
            "",
            *table(results),
            "",
            *verdicts(results),
            "",
            "The new run's worst repeat, statement seconds summed over the workers (calls):",
            "",
            *statements("reconcile statement", worst),
            "",
            *statements("ingest statement", ingest, top=5),
            "",
            "The whole reconcile:",
            "",
            *statements("statement", whole),
            "",
            *(["Problems found:", *found, ""] if found else []),
            SECTION[1],
        ]
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--new", type=int, default=100_000, help="records per new run")
    parser.add_argument("--repeats", type=int, default=3, help="new runs per history size")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=CHUNK, help="vouchers per transaction")
    parser.add_argument("--database", default="bench_growth")
    parser.add_argument(
        "--write", action="store_true", help="rewrite its docs/benchmarks.md section"
    )
    args = parser.parse_args(argv)
    production_like()
    about = machine()
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        about["autovacuum"] = cursor.fetchone()[0]
    about["tasks a run queues"] = (
        "run in-process, inside the timing (no REDIS_URL)"
        if settings.CELERY_TASK_ALWAYS_EAGER
        else "sent to the broker"
    )
    results = []
    for history in sorted(args.history):
        with scratch_database(args.database):
            results.append(
                measure(
                    history=history,
                    new=args.new,
                    repeats=args.repeats,
                    workers=args.workers,
                    chunk=args.chunk,
                )  # fmt: skip
            )
    about["load average after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = section(about=about, results=results, options=sys.argv[1:] if argv is None else argv)
    print(text)
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", text, SECTION)
    return 1 if any(g.problems for g in results) else 0


if __name__ == "__main__":
    sys.exit(main())
