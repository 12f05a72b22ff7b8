"""Reconciliation by several workers at once, and after a worker is killed mid-chunk, on
PostgreSQL with real row locks. Data is committed (transaction=True) so that the other
connections (threads, a separate process) see it."""

import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction

from billing.models import UsageRecord
from billing.reconcile import reconcile
from tests.billing.conftest import assert_ledger_holds, issue, send, usage
from vouchers.models import LedgerAccount, LedgerEntry
from vouchers.services import ledger

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def busy(small_programme, company, centre, bob):
    """Six vouchers of 300.00, each with 8 records of 100.00 billed (50.00 each): the
    first six of each earn 300.00 in all, the last two nothing."""
    vouchers = [
        issue(small_programme, company, centre, bob, f"HT-W{i}", amount="300.00") for i in range(6)
    ]
    send(centre, [usage(record_id=f"w{i}-{n}", contract=f"HT-W{i}", day=n + 1)
                  for i in range(6) for n in range(8)])  # fmt: skip
    return vouchers


def expected_outcome():
    subsidies = {r.record_id: r.subsidy for r in UsageRecord.objects.all()}
    assert all(
        subsidies[f"w{i}-{n}"] == (Decimal("50.00") if n < 6 else Decimal("0.00"))
        for i in range(6)
        for n in range(8)
    )
    assert LedgerEntry.objects.filter(kind="redeem").count() == 6
    assert LedgerAccount.objects.get(kind="redeemed").balance == Decimal("1800.00")


def test_three_workers_at_once_count_every_record_once(busy):
    errors, barrier = [], threading.Barrier(3)

    def worker():
        try:
            barrier.wait(timeout=30)
            reconcile(chunk=1)
        except Exception as exc:  # judged in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    expected_outcome()
    assert_ledger_holds(busy[0].programme)


WORKER = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from billing.reconcile import reconcile
reconcile(chunk=2)
"""


def waiting_on_lock() -> bool:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps one snapshot of the statistics: drop it.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE '%%FROM \"vouchers_ledgeraccount\"%%FOR NO KEY UPDATE%%'"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_chunk_leaves_nothing_and_a_rerun_gives_the_same_result(busy):
    """The worker is held at the redeemed account (locked here) after it has priced its
    first chunk's records and wrote its entries, then killed with SIGKILL."""
    env = dict(os.environ, DATABASE_URL=_url_of_test_database())
    env.pop("REDIS_URL", None)
    account = ledger.redeemed_account(busy[0].programme_id, busy[0].provider_id)
    with transaction.atomic():
        LedgerAccount.objects.select_for_update().get(pk=account.pk)
        worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env)
        try:
            _wait_until(waiting_on_lock)
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)

    assert set(UsageRecord.objects.values_list("status", flat=True)) == {"pending"}
    assert LedgerEntry.objects.filter(kind="redeem").count() == 0

    reconcile()

    expected_outcome()
    assert_ledger_holds(busy[0].programme)


def _url_of_test_database() -> str:
    params = connection.settings_dict
    return f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"


def _wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker never reached the locked account")
        time.sleep(0.1)


def test_a_worker_never_waits_on_anothers_unmatched_flagging(centre):
    """While one worker holds the flagging step (its advisory lock, in an open
    transaction), another's run skips the step at once instead of waiting on the same
    pending rows; the holder's next run flags them."""
    from billing.reconcile import FLAG_LOCK

    send(centre, [usage(record_id="stray-1", contract="HT-NOWHERE")])
    holding, release = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(FLAG_LOCK)
            assert cursor.fetchone()[0]
            holding.set()
            release.wait(timeout=30)
        connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert holding.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        reconcile()
        assert UsageRecord.objects.get(record_id="stray-1").status == "pending"
    finally:
        release.set()
        thread.join(timeout=30)
    reconcile()
    stray = UsageRecord.objects.get(record_id="stray-1")
    assert (stray.status, stray.exception) == ("exception", "unknown_contract")
