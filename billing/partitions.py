"""Monthly partitions of the usage table on PostgreSQL; SQLite keeps one table.

`billing_usagerecord` is range-partitioned by `received_at`, one table per calendar month
in Asia/Shanghai (`billing_usagerecord_2026_12`), plus a default partition for a row
whose month has none yet. That one should stay empty: beat creates the coming months
ahead (`billing.tasks.create_usage_partitions`), and creating a month moves any of its
rows out of the default partition first. Reconciliation reads pending records, which
all lie in the newest months, and an old month is never written again.

A month past the retention period can be detached (`manage.py usage_partitions
--detach-before`): its table stays in the database, to be archived and dropped by the
operator, and no ledger row changes. Statement lines, exception cases and findings keep
their own amounts and have no database foreign key to the record; the record keys
(billing_usagekey) stay, so a record sent again after that is still a duplicate.

Written here rather than taken from pg_partman or django-postgres-extra: pg_partman is
a server extension a superuser must install on every database host, and still needs a
scheduled call, for what is one CREATE TABLE a month; django-postgres-extra manages
partitions through its own database backend, which would replace Django's for every app.
"""

import re
from datetime import date
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from config.errors import DomainError

TABLE = "billing_usagerecord"
DEFAULT = f"{TABLE}_default"
# Months created ahead of the current one: a quarter, so a beat that stops for weeks
# still leaves every record a month of its own.
AHEAD = 3
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Autovacuum analyses partitions, never the partitioned parent: each month is analysed
# after 2% of it changes, as the whole table was before (billing migration 0004).
STORAGE = "autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000"
MONTH_NAME = re.compile(rf"{TABLE}_(\d{{4}})_(\d{{2}})")


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        found = cursor.fetchone()
    return found is not None and found[0] == "p"


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def months() -> dict[date, str]:
    """The monthly partitions attached now, by their first day."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = {}
    for name in names:
        if matched := MONTH_NAME.fullmatch(name):
            found[date(int(matched[1]), int(matched[2]), 1)] = name
    return found


def ensure_partitions(*, since: date | None = None, ahead: int = AHEAD) -> list[str]:
    """Create the monthly partitions missing from `since`'s month (this month if not
    given) to `ahead` months after this one; the names of those created."""
    if not is_partitioned():
        return []
    today = timezone.now().astimezone(SHANGHAI).date()
    month, last = (since or today).replace(day=1), today.replace(day=1)
    for _ in range(ahead):
        last = next_month(last)
    have, created = months(), []
    while month <= last:
        if month not in have:
            create_month(month)
            created.append(partition_name(month))
        month = next_month(month)
    return created


def _bound(month: date) -> str:
    # A literal from a date (no user input): DDL takes no parameters.
    return f"'{month.isoformat()} 00:00:00+08'"


def create_month(month: date) -> None:
    """One month's table, built beside the parent, given the month's rows that sat in the
    default partition, then attached (which checks its rows against the range and
    builds the parent's indexes on it)."""
    name, low, high = partition_name(month), _bound(month), _bound(next_month(month))
    with transaction.atomic(), connection.cursor() as cursor:
        # Nobody writes a row of that month into the default partition meanwhile.
        cursor.execute(f"LOCK TABLE {DEFAULT} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
            f"WITH ({STORAGE})"
        )
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE received_at >= {low} "
            f"AND received_at < {high} RETURNING *) INSERT INTO {name} SELECT * FROM moved"
        )
        cursor.execute(
            f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ({low}) TO ({high})"
        )


# What must be done with a month before it may leave: nothing still to reconcile,
# decide or put on a statement.
UNSETTLED = """
SELECT
  EXISTS (SELECT 1 FROM {name} WHERE status = 'pending'),
  EXISTS (SELECT 1 FROM {name} r JOIN billing_reconciliationexception e ON e.record_id = r.id
          WHERE e.status = 'open'),
  EXISTS (SELECT 1 FROM {name} r WHERE r.status = 'redeemed' AND NOT EXISTS (
          SELECT 1 FROM billing_settlementline l WHERE l.record_id = r.id))
"""


def detach_before(month: date) -> list[str]:
    """Detach the monthly partitions of the months before `month`, oldest first; each
    must be settled (no pending record, no open exception, every redeemed record on a
    statement). The detached tables stay in the database for archiving."""
    if not is_partitioned():
        return []
    detached = []
    for first, name in sorted(months().items()):
        if first >= month.replace(day=1):
            break
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(UNSETTLED.format(name=name))
            if any(cursor.fetchone()):
                raise DomainError(
                    "month",
                    f"{first:%Y-%m} 的用量记录尚未结清（待对账、未处理的异常或未进入结算单），不能归档。",
                    f"{first:%Y-%m} has usage records not yet settled (pending, an open "
                    "exception, or not on a statement); it cannot be detached.",
                    code="month_not_settled",
                )
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        detached.append(name)
    return detached
