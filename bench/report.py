"""What the benchmarks share: the machine they ran on, a scratch database, and their
reports, each rewriting its own marked section of docs/benchmarks.md and leaving the
others and the history below them as they are."""

import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

FLOOR_PER_SECOND, FLOOR_REVIEWERS = 50, 16  # issue 6: a programme's year in under a minute


def markers(script: str) -> tuple[str, str]:
    """The comments around a benchmark's own section of docs/benchmarks.md."""
    return f"<!-- {script}: begin -->", f"<!-- {script}: end -->"


SECTION = markers("bench/approvals.py")
REPRODUCE_ON = "postgres://postgres@127.0.0.1:54329/voucher"
CHECKED = """\
Approvals/s: successful approvals from the common start to the last reviewer's finish,
every run shown.  Checked after each run: nothing committed beyond the budget, each
account's balance equal to its entries and the balances summing to 0, no cap row over its
limit and each equal to its entity's vouchers, one voucher per approved application and
one commit entry per voucher, no unexpected error (deadlock, lock timeout)."""


def production_like() -> None:
    """Exit unless Django points at PostgreSQL, and switch DEBUG off as in production
    (with it on, Django keeps the text of every statement)."""
    from django.conf import settings

    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must point at a PostgreSQL server")
    settings.DEBUG = False


def machine() -> dict:
    model = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    head = ["git", "describe", "--always", "--dirty"]
    return {
        "commit measured": subprocess.run(head, capture_output=True, text=True).stdout.strip(),
        "CPUs (nproc)": len(os.sched_getaffinity(0)),
        "CPU model": model.group(1) if model else "unknown",
        "PostgreSQL": version,
        "Python / Django": f"{sys.version.split()[0]} / {django.get_version()}",
        "load average before the runs": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def table(results: list) -> list[str]:
    lines = [
        "| reviewers | applications | approved | refused | setup s | seconds | approvals/s "
        "| invariant violations |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        refused = ", ".join(f"{n} {code}" for code, n in r.refused.most_common()) or "0"
        lines.append(
            f"| {r.reviewers} | {r.applications} | {r.approved} | {refused} "
            f"| {r.setup_seconds:.1f} | {r.seconds:.2f} | {r.per_second:.0f} | {len(r.violations)} |"
        )
    return lines


def verdict(results: list) -> str:
    rates = [r.per_second for r in results if r.reviewers == FLOOR_REVIEWERS]
    if not rates:
        return f"Floor ({FLOOR_PER_SECOND}/s with {FLOOR_REVIEWERS} reviewers): not measured."
    met = "met" if min(rates) >= FLOOR_PER_SECOND else "**not met**"
    return (
        f"Floor: at least {FLOOR_PER_SECOND} approvals/s with {FLOOR_REVIEWERS} reviewers: "
        f"{met} (slowest run {min(rates):.0f}/s)."
    )


def heading(title: str, command: str, about: dict) -> list[str]:
    """A section's title, when and how it was measured, and the machine (Markdown lines)."""
    return [
        f"## {title}",
        "",
        f"Measured {timezone.now():%Y-%m-%d %H:%M} UTC. Reproduce with:",
        "",
        "```sh",
        command,
        "```",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in about.items()],
    ]


def section(*, about: dict, results: list, statements: int, options: list[str]) -> str:
    command = f"DATABASE_URL={REPRODUCE_ON} .venv/bin/python bench/approvals.py"
    return "\n".join(
        [
            SECTION[0],
            *heading(
                "Approvals per second (bench/approvals.py)", " ".join([command, *options]), about
            ),
            "",
            *table(results),
            "",
            verdict(results),
            f"Statements per approval (BEGIN and COMMIT not counted): {statements}.",
            "",
            CHECKED,
            SECTION[1],
        ]
    )


def write_section(path: Path, text: str, section: tuple[str, str] = SECTION) -> None:
    """Replace the section a script wrote last time (between its `markers`), or put it
    under the title; every other section, and the history below them, stays."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    if section[0] in old:
        head, rest = old.split(section[0], 1)
        new = head + text + rest.split(section[1], 1)[1]
    else:
        title, _, rest = old.partition("\n")
        new = f"{title}\n\n{text}\n{rest}"
    path.write_text(new)


@contextmanager
def scratch_database(name: str):
    """Create `name` on the server Django is configured for, point Django at it, migrate,
    and drop it afterwards: a benchmark never touches the developer's data. Subprocesses
    reach it through `connection.settings_dict` (bench/ingest.py)."""
    import psycopg
    from psycopg import sql

    wanted = ("dbname", "user", "password", "host", "port")
    params = {k: v for k, v in connection.get_connection_params().items() if k in wanted}
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    original = connection.settings_dict["NAME"]
    _use_database(name)
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        _use_database(original)
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(drop)


def _use_database(name: str) -> None:
    connections.close_all()
    connection.settings_dict["NAME"] = name
