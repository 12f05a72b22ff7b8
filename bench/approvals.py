"""Approvals per second on PostgreSQL: 1, 4 and 16 reviewers approving at once against
ONE programme, with the invariants checked after every run.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/voucher .venv/bin/python bench/approvals.py

It runs in a scratch database (`bench_approvals`), prints a table and rewrites its section of
docs/benchmarks.md (bench/report.py); `--help` lists the knobs.  The data is bulk-inserted
(`vouchers.demo.world.bulk_submitted`).  Reviewers are processes (the GIL would serialise threads), each with its own connection;
they start together at a barrier and approve their shares through `approve_application`,
permission check included.  Each entity has one application more than its annual cap
allows and the budget runs out near the end, so both limits refuse some approvals.
`run()` uses whatever database Django is set up for: on SQLite (the smoke test,
tests/test_bench_smoke.py) the reviewers take turns in this process.
"""

# ruff: noqa: E402  (Django must be set up before the models are imported)

import argparse
import copy
import math
import multiprocessing
import random
import sys
import threading
import time
import traceback
from collections import Counter, namedtuple
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench

bench.setup()

from django.db import connection, connections
from django.db.models import Count, F, Sum

from accounts.models import Membership, User
from bench import report
from config.errors import DomainError
from vouchers.demo import world
from vouchers.models import Application, CapUsage, LedgerAccount, LedgerEntry, Programme, Voucher
from vouchers.services.applications import approve_application

AWARD = Decimal("50000.00")  # every contract is worth 100,000 yuan, subsidised at 50%
CAP = Decimal("1000000.00")  # Chengdu's per-entity annual cap: 20 awards
PER_ENTITY = 21  # one application more than the cap allows

World = namedtuple("World", "programme_id reviewer_ids application_ids")


def budget_for(applications: int) -> Decimal:
    """What the caps let through, less ~2% (at least two awards), plus half an award:
    the budget runs out near the end and one approval gets only what is left."""
    full, rest = divmod(applications, PER_ENTITY)
    fits = full * min(PER_ENTITY, int(CAP // AWARD)) + min(rest, int(CAP // AWARD))
    return AWARD * (fits - max(2, math.ceil(fits * 0.02))) + AWARD / 2


def build(*, reviewers: int, applications: int, seed: int = 0) -> World:
    """A published Chengdu programme, its manager and `reviewers` reviewers, and
    `applications` submitted applications, PER_ENTITY to an entity, in random order."""
    n, Role = world.serial(), Membership.Role
    staff = [(f"bench{n}-manager", Role.PROGRAMME_MANAGER)]
    staff += [(f"bench{n}-reviewer{i}", Role.REVIEWER) for i in range(reviewers)]
    office = world.authority(staff=staff)
    centre = world.provider()
    fields = world.programme_values(authority=office, total_budget=budget_for(applications))
    manager, *people = office.staff.values()
    programme = world.programme(manager=manager, providers=[centre], fields=fields)
    ids = world.bulk_submitted(
        programme=programme, provider=centre, applications=applications, per_owner=PER_ENTITY
    )
    random.Random(seed).shuffle(ids)  # reviewers meet the entities in no particular order
    return World(programme.pk, [p.pk for p in people], ids)


@dataclass
class Outcome:  # what one reviewer did
    approved: int = 0
    refused: Counter = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    started: float = math.inf
    finished: float = 0.0


def approve_all(reviewer_id: int, application_ids: list[int], barrier) -> Outcome:
    reviewer = User.objects.get(pk=reviewer_id)
    # Loaded before the clock starts, as the review page would have loaded each one.
    related = Application.objects.select_related("programme", "contract")
    queue = list(related.filter(pk__in=application_ids))
    outcome = Outcome()
    barrier.wait(timeout=300)
    outcome.started = time.perf_counter()
    for application in queue:
        try:
            # A fresh user per approval, as per request: its permission cache is cold.
            approve_application(application=application, by=copy.copy(reviewer))
        except DomainError as exc:
            outcome.refused[exc.code] += 1
        except Exception:  # a deadlock, a lock timeout, an IntegrityError: all reported
            outcome.unexpected.append(traceback.format_exc())
        else:
            outcome.approved += 1
    outcome.finished = time.perf_counter()
    return outcome


def _reviewer_process(reviewer_id: int, application_ids: list[int], barrier, results) -> None:
    try:
        outcome = approve_all(reviewer_id, application_ids, barrier)
    except BaseException:
        barrier.abort()  # release the others rather than leave them waiting
        outcome = Outcome(unexpected=[traceback.format_exc()])
    finally:
        connections.close_all()
    results.put(outcome)


def race(world_: World) -> list[Outcome]:
    """Each reviewer approves its share: on PostgreSQL all at once, one process each;
    elsewhere (SQLite, one writer at a time) in turn, in this process."""
    n = len(world_.reviewer_ids)
    shares = [world_.application_ids[i::n] for i in range(n)]
    pairs = list(zip(world_.reviewer_ids, shares, strict=True))
    if connection.vendor != "postgresql":
        return [approve_all(reviewer, share, threading.Barrier(1)) for reviewer, share in pairs]
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(pairs)), context.Queue()
    connections.close_all()  # a forked child must open its own connection
    processes = [
        context.Process(target=_reviewer_process, args=(reviewer, share, barrier, results))
        for reviewer, share in pairs
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return outcomes


@dataclass
class RunResult:
    reviewers: int
    applications: int
    setup_seconds: float
    seconds: float
    approved: int
    refused: Counter
    unexpected: list[str]
    violations: list[str]

    @property
    def per_second(self) -> float:
        return self.approved / self.seconds if self.seconds > 0 else 0.0


def run(*, reviewers: int, applications: int, seed: int = 0) -> RunResult:
    """Build a fresh programme, let `reviewers` approve its `applications`, then check
    the invariants."""
    began = time.perf_counter()
    built = build(reviewers=reviewers, applications=applications, seed=seed)
    setup_seconds = time.perf_counter() - began
    outcomes = race(built)
    approved = sum(o.approved for o in outcomes)
    unexpected = [text for o in outcomes for text in o.unexpected]
    violations = check_invariants(Programme.objects.get(pk=built.programme_id), approved)
    if unexpected:
        violations.append(f"{len(unexpected)} unexpected errors (deadlock, lock timeout, ...)")
    seconds = max(o.finished for o in outcomes) - min(o.started for o in outcomes)
    refused = sum((o.refused for o in outcomes), Counter())
    return RunResult(
        reviewers, applications, setup_seconds, seconds, approved, refused, unexpected, violations
    )


def check_invariants(programme: Programme, approved: int) -> list[str]:
    """Every way the run could have broken the books, as sentences; [] if none."""
    return [*_ledger(programme), *_caps(programme), *_vouchers(programme, approved)]


def _ledger(programme: Programme) -> list[str]:
    """Committed <= budget, every balance equal to its entries, and the balances summing
    to 0 (what the budget credits is what the accounts hold)."""
    entries = LedgerEntry.objects.filter(programme=programme)
    credits = dict(entries.values_list("credit").annotate(s=Sum("amount")))
    debits = dict(entries.values_list("debit").annotate(s=Sum("amount")))
    problems, total = [], Decimal(0)
    for account in LedgerAccount.objects.filter(programme=programme):
        expected = credits.get(account.pk, 0) - debits.get(account.pk, 0)
        total += account.balance
        if account.balance != expected:
            problems.append(f"{account.key}: balance {account.balance}, entries {expected}")
        if account.kind == LedgerAccount.Kind.AVAILABLE and account.balance < 0:
            problems.append(f"budget overcommitted: {account.key} at {account.balance}")
    if total != 0:
        problems.append(f"the programme's balances sum to {total}, not 0")
    return problems


def _caps(programme: Programme) -> list[str]:
    usages = CapUsage.objects.filter(programme=programme)
    problems = [
        f"cap overrun: entity {u.entity_id} used {u.used} of {u.limit}"
        for u in usages.filter(used__gt=F("limit"))
    ]
    used = dict(usages.values_list("entity", "used"))
    awarded = Voucher.objects.filter(programme=programme).values_list("entity")
    for entity_id, total in awarded.annotate(total=Sum("face_value")):
        if total > programme.annual_cap or total != used.get(entity_id):
            problems.append(f"entity {entity_id}: vouchers {total}, cap row {used.get(entity_id)}")
    return problems


def _vouchers(programme: Programme, approved: int) -> list[str]:
    """One voucher per approved application, one commit entry per voucher."""
    vouchers = Voucher.objects.filter(programme=programme)
    applications = Application.objects.filter(programme=programme, status="approved")
    commits = LedgerEntry.objects.filter(programme=programme, kind=LedgerEntry.Kind.COMMIT)
    counts = {
        "successful approvals": approved,
        "vouchers": vouchers.count(),
        "approved applications": applications.count(),
        "commit entries": commits.count(),
    }
    problems = []
    if len(set(counts.values())) != 1:
        problems.append("counts differ: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    twice = vouchers.values("application").annotate(n=Count("pk")).filter(n__gt=1).count()
    if twice:
        problems.append(f"{twice} applications with more than one voucher")
    if n := vouchers.exclude(face_value=F("application__approved_amount")).count():
        problems.append(f"{n} vouchers differ from their application's approved amount")
    return problems


def statements_per_approval() -> int:
    """How many statements one approval sends once the entity's cap row exists (BEGIN and
    COMMIT not counted): a small world of its own, approved twice, the second counted."""
    built = build(reviewers=1, applications=3)
    reviewer = User.objects.get(pk=built.reviewer_ids[0])
    first, second = Application.objects.filter(pk__in=built.application_ids)[:2]
    approve_application(application=first, by=reviewer)
    sent = []
    with connection.execute_wrapper(lambda execute, *args: sent.append(1) or execute(*args)):
        approve_application(application=second, by=copy.copy(reviewer))
    return len(sent)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviewers", default="1,4,16", help="comma-separated (default 1,4,16)")
    parser.add_argument("--applications", type=int, default=2000, help="per run (default 2000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each size, interleaved")
    parser.add_argument(
        "--output", default=str(ROOT / "docs" / "benchmarks.md"), help="'' to write nothing"
    )
    args = parser.parse_args(argv)
    report.production_like()
    results = []
    with report.scratch_database("bench_approvals"):
        about = report.machine()
        for n in [int(n) for n in args.reviewers.split(",")] * args.repeat:
            results.append(run(reviewers=n, applications=args.applications))
            print(report.table(results)[-1], *results[-1].violations, sep="\n", flush=True)
        statements = statements_per_approval()
    options = argv if argv is not None else sys.argv[1:]
    text = report.section(about=about, results=results, statements=statements, options=options)
    print(text)
    if args.output:
        report.write_section(Path(args.output), text)
    return 1 if any(r.violations for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
