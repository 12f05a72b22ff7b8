"""Usage files: a provider's CSV, stored as sent, then ingested in the background.

The file is read as a stream (the csv module over a text wrapper, CHUNK rows at a time),
never whole, so a 1,000,000-row file needs the memory of one chunk. Errors name the
file's line number (header = line 1). Running it again after a crash is safe: records
are keyed by record_id, so the rows already stored come back as duplicates and the
counts come out the same. A running file's heartbeat is refreshed after every chunk;
`requeue_stuck_files` queues again the files whose worker died (a stale heartbeat) or
whose message was lost.
"""

import csv
import uuid
from datetime import timedelta
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import actions
from audit import services as audit
from billing.ingest import CONFLICT, analyze_after_load, ingest_records
from billing.models import UsageFile
from billing.records import csv_columns, csv_row, missing_columns, parse_records

CHUNK = 5000
MAX_ERRORS = 1000


def store_upload(*, provider, chunks, original_name: str = "", by=None) -> UsageFile:
    """Write the uploaded bytes (an iterable of chunks) under USAGE_FILE_ROOT and queue
    the file, audited with who sent it: `by` is the portal's user or the API's client
    (its key), None for the platform's own (demo, bench). The caller enqueues
    `billing.tasks.process_usage_file` after commit."""
    relative = (
        Path(f"p{provider.pk}") / timezone.now().strftime("%Y/%m") / f"{uuid.uuid4().hex}.csv"
    )
    target = Path(settings.USAGE_FILE_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with open(target, "wb") as out:
        for chunk in chunks:
            size += out.write(chunk)
    stored = UsageFile.objects.create(
        provider=provider, path=str(relative), original_name=original_name[:200]
    )
    key = getattr(getattr(by, "key", None), "prefix", None)
    after = {"name": stored.original_name, "bytes": size, "via": _via(by, key)}
    audit.record(actor=by, action=actions.USAGE_FILE_UPLOAD, obj=stored, after=after)
    return stored


def _via(by, key) -> str:
    if key:
        return f"api:{key}"
    return "portal" if by else "platform"


def process_usage_file(*, usage_file: UsageFile) -> UsageFile:
    """Ingest the file's rows; status done (with per-row errors) or failed (unreadable).

    Claimed by a conditional UPDATE: a file already done, or running with a fresh
    heartbeat (its message delivered again while a live worker still reads it), is left
    alone. A file whose worker died is read again from the top: the rows it stored come
    back as duplicates, so every row is counted once."""
    if not _claim(usage_file):
        return UsageFile.objects.get(pk=usage_file.pk)
    usage_file.refresh_from_db()
    try:
        status, counts = _read(usage_file)
    except Exception:
        # A database error (the task retries it): give up the claim, so that the retry
        # takes the file at once rather than finding a fresh heartbeat and leaving it.
        UsageFile.objects.filter(pk=usage_file.pk).update(heartbeat_at=None)
        raise
    UsageFile.objects.filter(pk=usage_file.pk).update(
        status=status, finished_at=timezone.now(), **counts
    )
    analyze_after_load(rows=counts["rows_accepted"])
    usage_file.refresh_from_db()
    return usage_file


def _read(usage_file: UsageFile) -> tuple[str, dict]:
    counts = {"rows_total": 0, "rows_accepted": 0, "rows_rejected": 0, "errors": []}
    try:
        with open(
            Path(settings.USAGE_FILE_ROOT) / usage_file.path, encoding="utf-8-sig", newline=""
        ) as text:
            _ingest_stream(usage_file, csv.reader(text), counts)
    except (UnicodeDecodeError, csv.Error, _Unreadable) as exc:
        counts["errors"].append(_file_error(exc))
        return UsageFile.Status.FAILED, counts
    return UsageFile.Status.DONE, counts


def _claim(usage_file: UsageFile) -> bool:
    now = timezone.now()
    claimable = Q(status__in=[UsageFile.Status.QUEUED, UsageFile.Status.FAILED]) | _dead(now)
    claimed = UsageFile.objects.filter(claimable, pk=usage_file.pk)
    return claimed.update(status=UsageFile.Status.RUNNING, heartbeat_at=now) == 1


def _dead(now) -> Q:
    """Running, but its heartbeat is older than USAGE_FILE_STALE_SECONDS (or it never had
    one): its worker has died."""
    stale = now - timedelta(seconds=settings.USAGE_FILE_STALE_SECONDS)
    return Q(status=UsageFile.Status.RUNNING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True)
    )


class _Unreadable(Exception):
    pass


def _file_error(exc: Exception) -> dict:
    if isinstance(exc, UnicodeDecodeError):
        message = "文件不是 UTF-8 编码 / the file is not UTF-8"
        return {"row": None, "field": "file", "code": "invalid_encoding", "message": message}
    if isinstance(exc, _Unreadable):
        return {"row": 1, "field": "header", "code": "missing_columns", "message": str(exc)}
    return {
        "row": None,
        "field": "file",
        "code": "invalid_csv",
        "message": f"CSV 格式错误 / bad CSV: {exc}",
    }


def _ingest_stream(usage_file: UsageFile, reader, counts: dict) -> None:
    header = next(reader, None)
    fields = csv_columns(header or [])
    missing = missing_columns(fields)
    if missing:
        names = ", ".join(missing)
        raise _Unreadable(f"缺少列 {names} / missing columns: {names}")
    while True:
        rows = list(islice(((reader.line_num, row) for row in reader), CHUNK))
        if not rows:
            return
        _ingest_chunk(usage_file, fields, rows, counts)
        # Progress is visible while the file runs; the heartbeat tells the sweeper
        # (billing.tasks.requeue_stuck_files) that this worker is alive.
        UsageFile.objects.filter(pk=usage_file.pk).update(
            rows_total=counts["rows_total"], rows_accepted=counts["rows_accepted"],
            rows_rejected=counts["rows_rejected"], heartbeat_at=timezone.now(),
        )  # fmt: skip


def _ingest_chunk(usage_file: UsageFile, fields: list[str], rows: list, counts: dict) -> None:
    records, errors = parse_records([csv_row(fields, row) for _, row in rows])
    valid = [record for record in records if record is not None]
    with transaction.atomic():
        statuses = iter(
            ingest_records(provider=usage_file.provider, records=valid, usage_file=usage_file)
        )
    for (line, _), record, error in zip(rows, records, errors, strict=True):
        counts["rows_total"] += 1
        if record is not None and next(statuses) != CONFLICT:
            counts["rows_accepted"] += 1
            continue
        counts["rows_rejected"] += 1
        if len(counts["errors"]) < MAX_ERRORS:
            counts["errors"].append(_row_error(line, error))


def _row_error(line: int, error) -> dict:
    if error is None:
        message = "记录编号已存在且内容不同，原记录保留 / a known record_id with different content: the original stands"
        return {"row": line, "field": "record_id", "code": "conflict", "message": message}
    return {"row": line, "field": error.field, "code": error.code, "message": error.message}


def stuck_files(*, now, include_queued: bool) -> list[int]:
    """Files to queue again: running with a stale heartbeat (the worker died) and, when
    asked, queued for over a minute (the message may be lost). A second delivery finds
    the file claimed or done and does nothing."""
    dead = list(UsageFile.objects.filter(_dead(now)).values_list("pk", flat=True))
    # Queued again: the next sweep sees it waiting for a worker, not dead, and so does
    # not queue it once more while it waits its turn.
    UsageFile.objects.filter(_dead(now), pk__in=dead).update(status=UsageFile.Status.QUEUED)
    lost = []
    if include_queued:
        waiting = Q(status=UsageFile.Status.QUEUED, created_at__lt=now - timedelta(minutes=1))
        lost = UsageFile.objects.filter(waiting).exclude(pk__in=dead).values_list("pk", flat=True)
    return sorted([*dead, *lost])
