"""How fast the public notice board renders with a full database: 100,000 applications
and 20,000 vouchers, loaded by the portal bench's loader (bench/portal_pages.py), the
largest programme's board measured as a visitor sees it (no login).

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/voucher .venv/bin/python bench/public_board.py

Like the portal bench it works in a scratch database (`bench_board`) that it creates,
migrates, fills and drops, and writes its table to its section of docs/benchmarks.md.
"""

# ruff: noqa: E402  (Django must be set up before the models are imported)

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench

bench.setup()

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import portal_pages, report
from vouchers.models import Programme


def pages(programme: Programme) -> dict[str, str]:
    board = f"/public/{programme.code}/"
    return {
        "programmes": "/public/",
        "a programme's board, first page": board,
        "a programme's board, last page": f"{board}?page=last",
        "a programme's board, searched": f"{board}?q=7100",
        "a programme's board, filtered": f"{board}?status=notice",
    }


def measure(*, repeat: int) -> list[tuple]:
    programme = Programme.objects.annotate(n=Count("vouchers")).order_by("-n").first()
    client = Client()
    rows = []
    for page, url in pages(programme).items():
        for _ in range(3):  # warm the caches the first request fills
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = len(captured)  # now: the next request clears the connection's log
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        rows.append((page, url, queries, statistics.median(times), p90))
    return rows, programme.n


def report_lines(rows, *, awards: int, args) -> list[str]:
    lines = [
        "## The public notice board (bench/public_board.py)",
        "",
        "Command: `DATABASE_URL=postgres://… .venv/bin/python bench/public_board.py`",
        "",
        f"Database: PostgreSQL, {args.applications:,} applications and {args.vouchers:,} "
        f"vouchers (bench/portal_pages.py's loader); the board measured holds {awards:,} "
        "awards (25 a page). Requested as a visitor through Django's test client, DEBUG "
        f"off; median and 90th percentile of {args.repeat} requests after 3 warm-up requests.",
        "",
        "| page | URL | queries | median ms | p90 ms | under 300 ms |",
        "|---|---|---:|---:|---:|---|",
    ]
    for page, url, queries, median, p90 in rows:
        ok = "yes" if median < 300 else "NO"
        lines.append(f"| {page} | `{url}` | {queries} | {median:.1f} | {p90:.1f} | {ok} |")
    lines += ["", f"Load average after the runs: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    return lines


def main(argv=None) -> int:
    args = portal_pages.arguments(__doc__, database="bench_board").parse_args(argv)
    report.production_like()
    with report.scratch_database(args.database):
        portal_pages.load(
            applications=args.applications, vouchers=args.vouchers, entities=args.entities
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        rows, awards = measure(repeat=args.repeat)
    lines = report_lines(rows, awards=awards, args=args)
    print("\n".join(lines))
    if args.output:
        section = report.markers("bench/public_board.py")
        text = "\n".join([section[0], *lines, section[1]])
        report.write_section(Path(args.output), text, section)
    return 0 if all(row[3] < 300 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
