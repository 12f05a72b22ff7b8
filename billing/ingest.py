"""Ingest pipeline: valid usage records into `billing_usagerecord`, set-wise.

Idempotency lives in the unique key (provider, record_id): one
`INSERT ... ON CONFLICT (provider_id, record_id) DO NOTHING RETURNING record_id` per
chunk (rows as multi-row VALUES on SQLite, as unnested column arrays on PostgreSQL),
then one SELECT of the stored content hashes of the records it did not insert.
A record sent again with the same content is a `duplicate` (nothing changes); with other
content a `conflict` (the original stands). The same SQL runs on SQLite (3.35+) and
PostgreSQL; two clients sending the same record at once both get a correct answer, as
the database decides which insert wins.
"""

from django.db import connection
from django.utils import timezone

from billing.models import UsageFile, UsageRecord
from billing.records import RecordIn

ACCEPTED, DUPLICATE, CONFLICT = "accepted", "duplicate", "conflict"
# 16 parameters a row: 2,000 rows stay under SQLite's 32,766 and PostgreSQL's 65,535.
CHUNK = 2000
TABLE = UsageRecord._meta.db_table
COLUMNS = (
    "provider_id, record_id, contract_number, contract_key, period_start, period_end, "
    "start_date, end_date, sku, description, quantity, unit, amount, currency, corrects, "
    "content_hash, received_at, usage_file_id, status, reconcile_run"
)
ROW = "(" + ", ".join(["%s"] * 18) + ", 'pending', '')"
# On PostgreSQL the chunk goes as 18 arrays, one per column, unnested by the server: a
# statement of fixed text instead of one with 18 placeholders a row, which the driver
# would have to parse anew for every chunk (most of the time of an insert of 1,000).
UNNEST = (
    "SELECT *, 'pending', '' FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], "
    "%s::timestamptz[], %s::timestamptz[], %s::date[], %s::date[], %s::text[], %s::text[], "
    "%s::numeric[], %s::text[], %s::numeric[], %s::text[], %s::text[], %s::text[], "
    "%s::timestamptz[], %s::bigint[])"
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


def _store(provider_id: int, chunk: list[RecordIn], usage_file) -> list[str]:
    params = _params(provider_id, chunk, usage_file.pk if usage_file else None)
    if connection.vendor == "postgresql":
        rows, params = UNNEST, [list(column) for column in zip(*_rows_of(params), strict=True)]
    else:
        rows = f"VALUES {', '.join([ROW] * len(chunk))}"
    sql = (
        f"INSERT INTO {TABLE} ({COLUMNS}) {rows} "
        "ON CONFLICT (provider_id, record_id) DO NOTHING RETURNING record_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = {row[0] for row in cursor.fetchall()}
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


def _stored_hashes(cursor, provider_id: int, record_ids: list[str]) -> dict[str, str]:
    if not record_ids:
        return {}
    marks = ", ".join(["%s"] * len(record_ids))
    cursor.execute(
        f"SELECT record_id, content_hash FROM {TABLE} WHERE provider_id = %s AND record_id IN ({marks})",
        [provider_id, *record_ids],
    )
    return dict(cursor.fetchall())


def _rows_of(params: list) -> list[list]:
    return [params[i : i + 18] for i in range(0, len(params), 18)]


def _params(provider_id: int, chunk: list[RecordIn], usage_file_id) -> list:
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    instant, day, number = (
        ops.adapt_datetimefield_value,
        ops.adapt_datefield_value,
        ops.adapt_decimalfield_value,
    )
    params = []
    for r in chunk:
        params += (
            provider_id, r.record_id, r.contract_number, r.contract_key,
            instant(r.period_start), instant(r.period_end), day(r.start_date), day(r.end_date),
            r.sku, r.description, number(r.quantity, 24, 6), r.unit, number(r.amount, 16, 2),
            r.currency, r.corrects, r.content_hash, now, usage_file_id,
        )  # fmt: skip
    return params
