"""A usage file whose worker dies is finished by another, every row counted once.

The job claims its file with a conditional UPDATE and refreshes a heartbeat after each
chunk; a message delivered again while the file runs does nothing; the sweeper
(`billing.tasks.requeue_stuck_files`, from beat) queues again the files with a stale
heartbeat, and queued files that waited over a minute while the queue is empty."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from billing import tasks, usage_files
from billing.models import UsageFile, UsageRecord
from config.celery import app
from tests.test_celery_worker import eager
from tests.test_worker_settings import subprocess_database_url

ROOT = Path(__file__).resolve().parent.parent.parent
HEADER = "record_id,contract_number,period_start,period_end,amount,currency\n"


def csv_of(rows: int) -> str:
    line = "r{},HT-2024-001,2024-06-10T00:00:00+08:00,2024-06-10T23:00:00+08:00,10.00,CNY\n"
    return HEADER + "".join(line.format(i) for i in range(rows))


@pytest.fixture
def file_root(settings, tmp_path):
    settings.USAGE_FILE_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def june_file(centre, file_root):
    return usage_files.store_upload(provider=centre, chunks=[csv_of(3).encode()])


def age(usage_file, *, status, heartbeat_seconds_ago=None, created_seconds_ago=0):
    now = timezone.now()
    heartbeat = now - timedelta(seconds=heartbeat_seconds_ago) if heartbeat_seconds_ago else None
    UsageFile.objects.filter(pk=usage_file.pk).update(
        status=status,
        heartbeat_at=heartbeat,
        created_at=now - timedelta(seconds=created_seconds_ago),
    )


def test_a_file_running_with_a_fresh_heartbeat_is_left_to_its_worker(june_file):
    age(june_file, status="running", heartbeat_seconds_ago=5)

    again = usage_files.process_usage_file(usage_file=june_file)

    assert (again.status, again.rows_total) == ("running", 0)
    assert not UsageRecord.objects.exists()


def test_a_file_running_with_a_stale_heartbeat_is_taken_over_and_finished(june_file):
    age(june_file, status="running", heartbeat_seconds_ago=31)

    done = usage_files.process_usage_file(usage_file=june_file)

    assert (done.status, done.rows_total, done.rows_accepted) == ("done", 3, 3)
    assert done.heartbeat_at is not None


def test_a_finished_file_is_not_read_again(june_file):
    usage_files.process_usage_file(usage_file=june_file)
    with mock.patch.object(usage_files, "_ingest_stream") as ingest:
        again = usage_files.process_usage_file(usage_file=june_file)

    assert again.status == "done"
    ingest.assert_not_called()


@pytest.mark.parametrize(
    "status, heartbeat_seconds_ago, created_seconds_ago, requeued",
    [
        ("running", 31, 600, True),  # its worker died
        ("running", 5, 600, False),  # its worker is alive
        ("running", None, 600, True),  # running since before heartbeats
        ("queued", None, 61, True),  # its message is lost
        ("queued", None, 30, False),  # just uploaded
        ("done", 600, 600, False),
        ("failed", 600, 600, False),
    ],
)
def test_the_sweeper_requeues_only_stuck_files(
    june_file, status, heartbeat_seconds_ago, created_seconds_ago, requeued
):
    age(
        june_file,
        status=status,
        heartbeat_seconds_ago=heartbeat_seconds_ago,
        created_seconds_ago=created_seconds_ago,
    )
    with mock.patch.object(tasks.process_usage_file, "delay") as delay:
        found = tasks.requeue_stuck_files()

    assert found == ([june_file.pk] if requeued else [])
    assert delay.call_count == int(requeued)
    if requeued:  # waiting for a worker again
        assert UsageFile.objects.get(pk=june_file.pk).status == "queued"


def test_a_requeued_file_is_not_queued_again_while_it_waits_its_turn(june_file):
    age(june_file, status="running", heartbeat_seconds_ago=31, created_seconds_ago=600)
    with mock.patch.object(tasks.process_usage_file, "delay") as delay:
        first = tasks.requeue_stuck_files()
        with mock.patch.object(tasks, "_queue_is_empty", return_value=False):
            second = tasks.requeue_stuck_files()

    assert (first, second, delay.call_count) == ([june_file.pk], [], 1)


def test_queued_files_wait_their_turn_while_the_queue_is_busy(june_file):
    age(june_file, status="queued", created_seconds_ago=600)

    with mock.patch.object(tasks, "_queue_is_empty", return_value=False):
        assert tasks.requeue_stuck_files() == []


def test_beat_sweeps_for_stuck_files_at_least_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["billing-requeue-stuck-files"]

    assert entry["task"] == tasks.requeue_stuck_files.name
    assert entry["schedule"] + settings.USAGE_FILE_STALE_SECONDS <= 60


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics")
def test_a_large_file_refreshes_the_planner_statistics(centre, file_root, voucher, monkeypatch):
    from billing import ingest

    monkeypatch.setattr(ingest, "ANALYZE_AFTER_ROWS", 3)
    stored = usage_files.store_upload(provider=centre, chunks=[csv_of(3).encode()])

    usage_files.process_usage_file(usage_file=stored)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [list(ingest.ANALYZED)],
        )
        estimates = dict(cursor.fetchall())
    assert estimates["billing_usagerecord"] == 3
    assert estimates["vouchers_contract"] == 1  # -1 until a table is first analysed


# A real worker killed mid-file ----------------------------------------------------------


def start_worker(database: str, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "USAGE_FILE_ROOT": os.environ["TEST_USAGE_FILE_ROOT"],
        "USAGE_FILE_STALE_SECONDS": "5",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"{name}@%h",
         "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def forget_unacknowledged_messages():
    """The killed worker's message would be delivered again after the visibility
    timeout, to whichever test's worker runs then: drop it (kombu's Redis keys)."""
    with app.connection_for_write() as broker:
        broker.default_channel.client.delete("unacked", "unacked_index")


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout} s for {what}")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
    reason="needs REDIS_URL and PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_a_file_whose_worker_is_killed_is_finished_by_another_within_a_minute(
    centre, file_root, settings, monkeypatch
):
    rows = 60_000
    settings.USAGE_FILE_STALE_SECONDS = 5
    monkeypatch.setenv("TEST_USAGE_FILE_ROOT", str(file_root))
    big = usage_files.store_upload(provider=centre, chunks=[csv_of(rows).encode()])
    database = subprocess_database_url()
    first = start_worker(database, "first")
    try:
        with eager(False):
            tasks.process_usage_file.delay(big.pk)
        wait_for(
            lambda: UsageFile.objects.filter(pk=big.pk, rows_total__gt=0, status="running").exists(),
            timeout=60, what="the first worker to store a chunk",
        )  # fmt: skip
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed = UsageFile.objects.get(pk=big.pk)
        assert killed.status == "running" and killed.rows_total < rows

        second = start_worker(database, "second")
        try:
            killed_at = time.monotonic()
            with eager(False):
                wait_for(
                    lambda: tasks.requeue_stuck_files() == [big.pk],
                    timeout=30, what="the heartbeat to go stale",
                )  # fmt: skip
            done = wait_for(
                lambda: UsageFile.objects.filter(pk=big.pk, status="done").first(),
                timeout=60, what="the second worker to finish the file",
            )  # fmt: skip
            assert time.monotonic() - killed_at < 60
        finally:
            second.kill()
            second.wait()
    finally:
        first.kill()
        first.wait()
        forget_unacknowledged_messages()

    assert (done.rows_total, done.rows_accepted, done.rows_rejected) == (rows, rows, 0)
    assert UsageRecord.objects.filter(usage_file=big).count() == rows


def test_a_chunk_that_fails_hands_the_file_to_the_tasks_retry_at_once(june_file, monkeypatch):
    def timed_out(**kwargs):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(usage_files, "ingest_records", timed_out)
    with pytest.raises(OperationalError):
        usage_files.process_usage_file(usage_file=june_file)
    monkeypatch.undo()

    retried = usage_files.process_usage_file(usage_file=june_file)

    assert (retried.status, retried.rows_accepted) == ("done", 3)
