"""How fast the government portal's queue and voucher list render with a full database,
and how much memory a 100,000-row XLSX export of the queue takes (issue 13).

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/voucher .venv/bin/python bench/authority_pages.py

The world is bench/portal_pages.py's loader (100,000 applications and 20,000 vouchers,
set-wise with bulk_create) in a scratch database (`bench_authority`), with a Chengdu
reviewer signed in with both factors. Each page is requested through Django's test
client (middleware, session, second factor, filters, templates), DEBUG off, `--runs`
times `--repeat` requests; the worst run's median is reported. The export's peak is the
Python heap's (tracemalloc) while the whole file is produced and read, and the growth of
the process's peak resident size. `--help` lists the knobs.
"""

# ruff: noqa: E402  (Django must be set up before the models are imported)

import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench

bench.setup()

from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Authority, Membership, User
from bench import portal_pages, report
from web.auth import SESSION_KEY as RECENT_LOGIN

PAGES = {
    "queue (waiting, first page)": "/authority/queue/",
    "queue, all statuses, searched": "/authority/queue/?status=&q=HT-1",
    "voucher list": "/authority/vouchers/",
    "voucher list, filtered": "/authority/vouchers/?status=active",
}
EXPORT = "/authority/queue.xlsx?status="
AIM_MS, FLOOR_MS, MEMORY_MB = 100, 300, 200


def officer_client() -> Client:
    authority = Authority.objects.get(region_code=portal_pages.CHENGDU)
    reviewer = User.objects.create_user(username="bench-reviewer", password="bench")
    Membership.objects.create(user=reviewer, role="reviewer", authority=authority)
    device = TOTPDevice.objects.create(user=reviewer, name="bench", confirmed=True)
    client = Client()
    client.force_login(reviewer)
    session = client.session
    session[RECENT_LOGIN] = timezone.now().timestamp()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(client, url, *, repeat) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return times


def measure_pages(client, *, runs, repeat) -> list[dict]:
    results = []
    for page, url in PAGES.items():
        for _ in range(3):  # warm the caches the first request fills
            assert client.get(url).status_code == 200, url
        medians = [statistics.median(timed(client, url, repeat=repeat)) for _ in range(runs)]
        results.append({"page": page, "url": url, "medians": medians})
    return results


def measure_export(client) -> dict:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    response = client.get(EXPORT)
    size = sum(len(chunk) for chunk in response.streaming_content)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return {
        "bytes": size,
        "seconds": seconds,
        "heap_peak_mb": peak / 2**20,
        "rss_growth_mb": rss_growth / 1024,
    }


def report_lines(pages, export, *, args, command) -> list[str]:
    lines = [
        "## The government portal's queue, voucher list and XLSX export (bench/authority_pages.py)",
        "",
        f"Measured {timezone.now():%Y-%m-%d %H:%M} UTC. Command: `{command}`",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in report.machine().items()],
        "",
        f"Database: PostgreSQL, {args.applications:,} applications and {args.vouchers:,} "
        "vouchers (bench/portal_pages.py's loader), all in the reviewer's authority. Each page "
        "requested through Django's test client by a reviewer signed in with both factors, "
        f"DEBUG off; {args.runs} runs of {args.repeat} requests after 3 warm-up requests, the "
        f"worst run's median reported (aim {AIM_MS} ms, floor {FLOOR_MS} ms).",
        "",
        "| page | URL | worst median ms | medians of the runs | under 300 ms |",
        "|---|---|---:|---|---|",
    ]
    for row in pages:
        worst = max(row["medians"])
        runs = ", ".join(f"{m:.1f}" for m in row["medians"])
        ok = "yes" if worst < FLOOR_MS else "NO"
        lines.append(f"| {row['page']} | `{row['url']}` | {worst:.1f} | {runs} | {ok} |")
    ok = (
        "yes"
        if export["rss_growth_mb"] < MEMORY_MB and export["heap_peak_mb"] < MEMORY_MB
        else "NO"
    )
    lines += [
        "",
        f"XLSX export of every application (`{EXPORT}`, {args.applications:,} rows): "
        f"{export['bytes'] / 2**20:.1f} MB written in {export['seconds']:.1f} s; Python heap "
        f"peak {export['heap_peak_mb']:.1f} MB, growth of the process's peak resident size "
        f"{export['rss_growth_mb']:.1f} MB; under {MEMORY_MB} MB: {ok}.",
        "",
        f"Load average after the runs: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]
    return lines


def main(argv=None) -> int:
    parser = portal_pages.arguments(__doc__, database="bench_authority")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    report.production_like()
    with report.scratch_database(args.database):
        started = time.perf_counter()
        portal_pages.load(
            applications=args.applications, vouchers=args.vouchers, entities=args.entities
        )
        print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = officer_client()
        pages = measure_pages(client, runs=args.runs, repeat=args.repeat)
        export = measure_export(client)
        command = "DATABASE_URL=postgres://… .venv/bin/python bench/authority_pages.py"
        lines = report_lines(pages, export, args=args, command=command)
    print("\n".join(lines))
    if args.output:
        section = report.markers("bench/authority_pages.py")
        report.write_section(
            Path(args.output), "\n".join([section[0], *lines, section[1]]), section
        )
    worst = max(max(row["medians"]) for row in pages)
    return 0 if worst < FLOOR_MS and export["rss_growth_mb"] < MEMORY_MB else 1


if __name__ == "__main__":
    sys.exit(main())
