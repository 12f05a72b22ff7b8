"""How fast the company portal's list pages render with a full database: the programme
catalogue, the application list and the voucher wallet, for an entity that has many
rows of its own among many of others.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/voucher .venv/bin/python bench/portal_pages.py

The script creates a scratch database (`bench_portal`), migrates it, loads 100,000
applications and 20,000 vouchers (`load`, below: the one place here that writes rows
set-wise, with `bulk_create`, since the services write one row at a time and would take
hours), then requests each page through Django's test client (middleware, session,
permissions and templates included) and writes the medians to
its section of docs/benchmarks.md. `--help` lists the knobs.

`load()` and `measure()` use whatever database Django is configured for, so the smoke
test (tests/company/test_bench_portal.py) runs them small on pytest's test database.
"""

# ruff: noqa: E402  (Django must be set up before the models are imported)

import argparse
import itertools
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench

bench.setup()

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Authority, Entity, EntityDeclaration, Membership, User
from accounts.services import register_provider
from bench import report
from vouchers.contract_numbers import number_key
from vouchers.demo import brief_programmes
from vouchers.models import Application, Contract, Programme, Voucher
from vouchers.services import codes
from vouchers.services.programmes import create_programme, publish_programme

CHENGDU = "510100"
TODAY = date(2024, 6, 1)
ISSUED_AT = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
BATCH = 5000
PAGES = {
    "catalogue": "/company/programmes/",
    "application list": "/company/applications/",
    "application list, filtered and searched": "/company/applications/?status=submitted&q=HT-1",
    "wallet": "/company/vouchers/",
    "wallet, filtered": "/company/vouchers/?status=active",
}


@dataclass
class World:
    clerk: User
    entity: Entity
    applications: int  # the measured entity's
    vouchers: int  # all of them
    vouchers_own: int = 0


def _programmes(authority, manager, provider) -> list[Programme]:
    made = []
    for number in range(3):
        fields = {
            "authority": authority,
            "code": f"bench-{number}",
            "name_zh": f"成都市算力券 {number}",
            "name_en": f"Chengdu compute vouchers {number}",
            "region_code": CHENGDU,
            "region_name": "成都市",
            "year": 2024,
            "total_budget": Decimal("1000000000.00"),
            "applications_open": date(2024, 1, 1),
            "applications_close": date(2024, 12, 31),
            "voucher_validity_months": 12,
            "min_award": Decimal("10000.00"),
            "annual_cap": None,
            "settlement_mode": "provider_deducts",
            "voucher_kinds": ["cash_compute"],
        }
        rules = brief_programmes.CHENGDU["rules"]
        created = create_programme(by=manager, fields=fields, rules=rules, providers=[provider])
        made.append(publish_programme(programme=created, by=manager))
    return made


def _people():
    authority = Authority.objects.create(
        name_zh="成都市经信局", name_en="Chengdu Bureau", region_code=CHENGDU, region_name="成都市"
    )
    manager = User.objects.create_user(username="bench-manager", password="bench")
    Membership.objects.create(user=manager, role="programme_manager", authority=authority)
    provider = register_provider(
        name="成都智算中心",
        credit_code=brief_programmes.credit_code("91", CHENGDU, 700000001),
        legal_representative="张三",
        region_code=CHENGDU,
    )
    return authority, manager, provider


def _entities(count: int) -> list[tuple[Entity, EntityDeclaration]]:
    entities = Entity.objects.bulk_create(
        Entity(
            name=f"成都基准测试科技有限公司{n}",
            credit_code=brief_programmes.credit_code("91", CHENGDU, 710000000 + n),
            legal_representative=f"法人{n}",
            kind="enterprise",
        )
        for n in range(count)
    )
    declarations = EntityDeclaration.objects.bulk_create(
        EntityDeclaration(
            entity=entity,
            declared_on=TODAY,
            fiscal_year=2023,
            registered_region=CHENGDU,
            industry="software_it",
            employees=100,
            prior_year_revenue=Decimal("20000000.00"),
        )
        for entity in entities
    )
    return list(zip(entities, declarations, strict=True))


def _shares(total: int, entities: int, heavy: int) -> list[int]:
    """Rows per entity: `heavy` for the first (the measured one), the rest spread."""
    rest, extra = divmod(total - heavy, entities - 1)
    return [heavy] + [rest + (1 if n < extra else 0) for n in range(entities - 1)]


STATUSES = ("draft", "submitted", "returned", "rejected", "withdrawn")


def _rows_for(entity, declaration, provider, programme, count, vouchers, serial):
    """`count` contracts and applications of one entity; the first `vouchers` approved.
    `programme.ruleset` is its current rule version, read once."""
    contracts, applications = [], []
    for n in range(count):
        number = f"HT-{next(serial)}"
        contracts.append(
            Contract(
                entity=entity,
                provider=provider,
                number=number,
                number_key=number_key(number),
                signed_on=date(2024, 3, 1),
                service_start=date(2024, 3, 1),
                service_end=date(2024, 12, 31),
                value=Decimal("100000.00"),
                accelerator_origin="domestic",
            )
        )
        approved = n < vouchers
        applications.append(
            Application(
                programme=programme,
                ruleset=programme.ruleset,
                entity=entity,
                declaration=declaration,
                voucher_kind="cash_compute",
                status="approved" if approved else STATUSES[n % len(STATUSES)],
                eligible=True,
                rate=Decimal("0.5"),
                entitlement=Decimal("50000.00"),
                approved_amount=Decimal("50000.00") if approved else None,
            )
        )
    return contracts, applications


def _voucher(application: Application) -> Voucher:
    return Voucher(
        code=codes.new_code(),
        application=application,
        programme=application.programme,
        entity_id=application.entity_id,
        provider_id=application.contract.provider_id,
        contract=application.contract,
        kind="cash_compute",
        rate=Decimal("0.5"),
        face_value=Decimal("50000.00"),
        redeemed=Decimal("12345.67"),
        status="active",
        issued_at=ISSUED_AT,
        valid_from=TODAY,
        expires_on=TODAY + timedelta(days=364),
    )


def _flush(contracts, applications) -> list[Voucher]:
    Contract.objects.bulk_create(contracts, batch_size=BATCH)
    for contract, application in zip(contracts, applications, strict=True):
        application.contract = contract
    Application.objects.bulk_create(applications, batch_size=BATCH)
    vouchers = [_voucher(a) for a in applications if a.status == "approved"]
    Voucher.objects.bulk_create(vouchers, batch_size=BATCH)
    return vouchers


@transaction.atomic
def load(*, applications: int, vouchers: int, entities: int, heavy: float = 0.05) -> World:
    """Rows for `entities` entities; the first (the measured one, with a clerk) holds
    `heavy` of all applications and vouchers."""
    authority, manager, provider = _people()
    programmes = _programmes(authority, manager, provider)
    for programme in programmes:
        programme.ruleset = programme.current_ruleset()
    pairs = _entities(entities)
    app_shares = _shares(applications, entities, int(applications * heavy))
    voucher_shares = _shares(vouchers, entities, int(vouchers * heavy))
    serial = itertools.count(1)
    contracts, rows, made = [], [], 0
    for index, ((entity, declaration), count, approved) in enumerate(
        zip(pairs, app_shares, voucher_shares, strict=True)
    ):
        programme = programmes[index % len(programmes)]
        more = _rows_for(entity, declaration, provider, programme, count, approved, serial)
        contracts += more[0]
        rows += more[1]
        if len(rows) >= BATCH:
            made += len(_flush(contracts, rows))
            contracts, rows = [], []
    made += len(_flush(contracts, rows))
    entity = pairs[0][0]
    clerk = User.objects.create_user(username="bench-clerk", password="bench")
    Membership.objects.create(user=clerk, role="entity_staff", entity=entity)
    return World(clerk=clerk, entity=entity, applications=app_shares[0], vouchers=made)


@dataclass
class Timing:
    page: str
    url: str
    queries: int
    median_ms: float
    p90_ms: float


def measure(world: World, *, repeat: int = 30) -> list[Timing]:
    client = Client()
    client.force_login(world.clerk)
    results = []
    for page, url in PAGES.items():
        for _ in range(3):  # warm the caches the first request fills
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = len(captured)  # now: the next request clears the connection's log
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        times.sort()
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        results.append(Timing(page, url, queries, statistics.median(times), p90))
    return results


def report_lines(timings: list[Timing], *, world: World, totals: dict, command: str) -> list[str]:
    lines = [
        "## The company portal's list pages (bench/portal_pages.py)",
        "",
        f"Command: `{command}`",
        "",
        f"Database: PostgreSQL, {totals['applications']:,} applications and "
        f"{totals['vouchers']:,} vouchers of {totals['entities']:,} entities; the measured "
        f"entity holds {world.applications:,} applications and {world.vouchers_own:,} "
        "vouchers (20 rows a page). Each page requested through Django's test client with "
        "a signed-in clerk (sessions, permissions, filters, templates), DEBUG off; median "
        f"and 90th percentile of {totals['repeat']} requests after 3 warm-up requests.",
        "",
        "| page | URL | queries | median ms | p90 ms | under 300 ms |",
        "|---|---|---:|---:|---:|---|",
    ]
    for t in timings:
        ok = "yes" if t.median_ms < 300 else "NO"
        lines.append(
            f"| {t.page} | `{t.url}` | {t.queries} | {t.median_ms:.1f} | {t.p90_ms:.1f} | {ok} |"
        )
    lines += ["", f"Load average after the runs: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    return lines


def arguments(doc: str, *, database: str) -> argparse.ArgumentParser:
    """The options of the page benchmarks (this one and bench/public_board.py), which
    measure the same loaded world."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--vouchers", type=int, default=20_000)
    parser.add_argument("--entities", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database", default=database, help="scratch database name")
    parser.add_argument(
        "--output", default=str(ROOT / "docs" / "benchmarks.md"), help="'' for none"
    )
    return parser


def main(argv=None) -> int:
    args = arguments(__doc__, database="bench_portal").parse_args(argv)
    report.production_like()
    with report.scratch_database(args.database):
        started = time.perf_counter()
        world = load(applications=args.applications, vouchers=args.vouchers, entities=args.entities)
        print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        world.vouchers_own = world.entity.vouchers.count()
        timings = measure(world, repeat=args.repeat)
    totals = {
        "applications": args.applications,
        "vouchers": world.vouchers,
        "entities": args.entities,
        "repeat": args.repeat,
    }
    command = "DATABASE_URL=postgres://… .venv/bin/python bench/portal_pages.py"
    lines = report_lines(timings, world=world, totals=totals, command=command)
    print("\n".join(lines))
    if args.output:
        section = report.markers("bench/portal_pages.py")
        text = "\n".join([section[0], *lines, section[1]])
        report.write_section(Path(args.output), text, section)
    return 0 if all(t.median_ms < 300 for t in timings) else 1


if __name__ == "__main__":
    sys.exit(main())
