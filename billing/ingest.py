"""Ingest pipeline: valid usage records into `billing_usagerecord`, set-wise.

Idempotency lives in the record keys (billing_usagekey, unique (provider, record_id)):
per chunk, one statement inserts the keys with `ON CONFLICT DO NOTHING`, in record_id
order (two clients sending overlapping batches take the key locks in one order: no
deadlock), and stores only the records whose key it inserted; then one SELECT reads the
stored content hashes of the others. A record sent again with the same content is a
`duplicate` (nothing changes); with other content a `conflict` (the original stands).
Two clients sending the same record at once both get a correct answer, as the database
decides which insert wins. The keys are their own table because the usage table is
partitioned by month on PostgreSQL (billing/partitions.py), where a unique index holds
within one month only.

How the chunk reaches those inserts differs: on SQLite as multi-row VALUES; on PostgreSQL
it is first `COPY`ed into a temporary staging table and inserted from there (`INSERT ...
SELECT`). COPY's rows are encoded by psycopg's C code; the arrays or placeholders of one
statement would be quoted and escaped in Python, which took a third of the time.
"""

from django.db import connection, transaction
from django.utils import timezone

from billing.models import UsageFile, UsageKey, UsageRecord
from billing.records import RecordIn

ACCEPTED, DUPLICATE, CONFLICT = "accepted", "duplicate", "conflict"
# 20 parameters a row on SQLite: 1,600 rows stay under its default limit of 32,766.
CHUNK = 1600
TABLE = UsageRecord._meta.db_table
KEYS = UsageKey._meta.db_table
COLUMNS = (
    "provider_id, record_id, contract_number, contract_key, period_start, period_end, "
    "start_date, end_date, sku, description, quantity, unit, amount, billed_cost, delta, "
    "currency, corrects, content_hash, received_at, usage_file_id, status, reconcile_run"
)
ROW = "(" + ", ".join(["%s"] * 20) + ", 'pending', '')"
STAGED = COLUMNS.removesuffix(", status, reconcile_run")
# Per connection, created on first use; its rows live only as long as the transaction
# (and are cleared after each chunk, for the next chunk of the same transaction).
STAGE = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS billing_ingest_stage ON COMMIT DELETE ROWS "
    f"AS SELECT {STAGED} FROM {TABLE} WITH NO DATA"
)


def ingest_records(
    *, provider, records: list[RecordIn], usage_file: UsageFile | None = None
) -> list[str]:
    """Store the records; their statuses in order: accepted, duplicate or conflict."""
    statuses: list[str | None] = [None] * len(records)
    first: dict[str, int] = {}
    for position, record in enumerate(records):
        first.setdefault(record.record_id, position)
    unique = sorted(first.values())
    for start in range(0, len(unique), CHUNK):
        chunk = [records[i] for i in unique[start : start + CHUNK]]
        for record, status in zip(chunk, _store(provider.pk, chunk, usage_file), strict=True):
            statuses[first[record.record_id]] = status
    # A record_id repeated within the batch is judged against what is stored now.
    repeats = [i for i, status in enumerate(statuses) if status is None]
    if repeats:
        with connection.cursor() as cursor:
            stored = _stored_hashes(cursor, provider.pk, [records[i].record_id for i in repeats])
        for i in repeats:
            same = stored.get(records[i].record_id) == records[i].content_hash
            statuses[i] = DUPLICATE if same else CONFLICT
    return statuses


# A load of at least this many rows refreshes the planner's statistics at once rather
# than waiting for autoanalyze: reconcile's plans were chosen on stale ones (152 s
# holding voucher locks for a 4,200-record run, 0.46 s after ANALYZE).
ANALYZE_AFTER_ROWS = 10_000
# The tables reconciliation joins to the usage records (small, hot; their settings for
# autoanalyze are in billing's migration 0004).
ANALYZED = (TABLE, "vouchers_contract", "vouchers_voucher", "vouchers_ledgeraccount")


def analyze_after_load(*, rows: int) -> None:
    """PostgreSQL: ANALYZE the usage table and the tables joined to it after a large
    load. Called outside the load's transactions; it takes no lock that a reader or a
    writer of rows waits for. SQLite plans without such statistics."""
    if rows < ANALYZE_AFTER_ROWS or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(ANALYZED)}")


# PostgreSQL: the records whose keys are new, from the staging table, in one statement.
INSERT_STAGED = f"""
WITH new_keys AS (
    INSERT INTO {KEYS} (provider_id, record_id, content_hash)
    SELECT provider_id, record_id, content_hash FROM billing_ingest_stage ORDER BY record_id
    ON CONFLICT (provider_id, record_id) DO NOTHING
    RETURNING record_id
)
INSERT INTO {TABLE} ({COLUMNS})
SELECT s.*, 'pending', '' FROM billing_ingest_stage s JOIN new_keys k ON k.record_id = s.record_id
RETURNING record_id
"""
# SQLite has no INSERT inside WITH: the keys, then the records whose keys are new.
INSERT_KEYS = (
    f"INSERT INTO {KEYS} (provider_id, record_id, content_hash) VALUES {{rows}} "
    "ON CONFLICT (provider_id, record_id) DO NOTHING RETURNING record_id"
)
INSERT_RECORDS = f"INSERT INTO {TABLE} ({COLUMNS}) VALUES {{rows}}"


def _store(provider_id: int, chunk: list[RecordIn], usage_file) -> list[str]:
    rows = _rows(provider_id, chunk, usage_file.pk if usage_file else None)
    # The staged rows last until the end of the transaction: one for the chunk, unless
    # the caller's is open already (a failure ends that one anyway, so no savepoint).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            inserted = _insert_staged(cursor, rows)
        else:
            inserted = _insert_values(cursor, rows)
        stored = _stored_hashes(
            cursor, provider_id, [r.record_id for r in chunk if r.record_id not in inserted]
        )
    return [
        ACCEPTED
        if record.record_id in inserted
        else DUPLICATE
        if stored.get(record.record_id) == record.content_hash
        else CONFLICT
        for record in chunk
    ]


def _insert_values(cursor, rows: list[tuple]) -> set[str]:
    # Columns 0, 1 and 17 of a row: provider_id, record_id, content_hash.
    keys = sorted((row[0], row[1], row[17]) for row in rows)
    marks = ", ".join(["(%s, %s, %s)"] * len(keys))
    cursor.execute(INSERT_KEYS.format(rows=marks), [v for key in keys for v in key])
    inserted = {row[0] for row in cursor.fetchall()}
    new = [row for row in rows if row[1] in inserted]
    if new:
        values = ", ".join([ROW] * len(new))
        cursor.execute(INSERT_RECORDS.format(rows=values), [v for row in new for v in row])
    return inserted


def _insert_staged(cursor, rows: list[tuple]) -> set[str]:
    """PostgreSQL: COPY the rows into the staging table, insert them from there, and
    clear it for the transaction's next chunk."""
    cursor.execute(STAGE)
    with cursor.copy(f"COPY billing_ingest_stage ({STAGED}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(INSERT_STAGED)
    inserted = {row[0] for row in cursor.fetchall()}
    cursor.execute("TRUNCATE billing_ingest_stage")
    return inserted


def _stored_hashes(cursor, provider_id: int, record_ids: list[str]) -> dict[str, str]:
    if not record_ids:
        return {}
    marks = ", ".join(["%s"] * len(record_ids))
    cursor.execute(
        f"SELECT record_id, content_hash FROM {KEYS} WHERE provider_id = %s AND record_id IN ({marks})",
        [provider_id, *record_ids],
    )
    return dict(cursor.fetchall())


def _rows(provider_id: int, chunk: list[RecordIn], usage_file_id) -> list[tuple]:
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    instant, day, number = (
        ops.adapt_datetimefield_value,
        ops.adapt_datefield_value,
        ops.adapt_decimalfield_value,
    )
    return [
        (
            provider_id,
            r.record_id,
            r.contract_number,
            r.contract_key,
            instant(r.period_start),
            instant(r.period_end),
            day(r.start_date),
            day(r.end_date),
            r.sku,
            r.description,
            number(r.quantity, 24, 6),
            r.unit,
            number(r.amount, 16, 2),
            number(r.amount if r.billed_cost is None else r.billed_cost, 24, 6),
            r.delta,
            r.currency,
            r.corrects,
            r.content_hash,
            now,
            usage_file_id,
        )  # fmt: skip
        for r in chunk
    ]
