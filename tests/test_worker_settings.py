"""How workers are configured so that a killed one loses nothing and holds no lock long:
acknowledgement after the task, one task reserved at a time, a visibility timeout, and a
statement_timeout on a worker's PostgreSQL connections (web requests keep none)."""

import copy
import os
import re
import runpy
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

from config.celery import app, limit_worker_statements

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "config" / "settings.py"


def test_a_task_is_acknowledged_after_it_ran_and_handed_back_if_its_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_an_unacknowledged_task_is_delivered_again_after_the_visibility_timeout(monkeypatch):
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "120")

    configured = runpy.run_path(str(SETTINGS_FILE))

    assert configured["CELERY_BROKER_TRANSPORT_OPTIONS"] == {"visibility_timeout": 120}


def test_postgresql_sessions_check_for_a_vanished_client(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/db")

    options = runpy.run_path(str(SETTINGS_FILE))["DATABASES"]["default"]["OPTIONS"]["options"]

    assert "-c lock_timeout=10000" in options
    assert "-c client_connection_check_interval=5000" in options


@pytest.fixture
def restored_database_settings():
    """A web process's settings (an in-thread test worker elsewhere in the session may
    have added the limit), put back afterwards."""
    options = django_settings.DATABASES["default"]["OPTIONS"]
    saved = copy.deepcopy(options)
    options["options"] = re.sub(r"\s*-c statement_timeout=\d+", "", options["options"])
    connections.close_all()
    yield
    connections.close_all()
    django_settings.DATABASES["default"]["OPTIONS"].clear()
    django_settings.DATABASES["default"]["OPTIONS"].update(saved)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_limits_its_statements(restored_database_settings, settings):
    settings.DB_WORKER_STATEMENT_TIMEOUT_MS = 120_000
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"  # a web process: no limit

    limit_worker_statements()
    limit_worker_statements()  # both signals fire in a solo worker: added once

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "2min"
        cursor.execute("SHOW client_connection_check_interval")
        assert cursor.fetchone()[0] == "5s"
    assert (
        django_settings.DATABASES["default"]["OPTIONS"]["options"].count("statement_timeout") == 1
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
@pytest.mark.django_db
def test_the_statement_of_a_killed_client_is_cancelled_within_seconds():
    """A worker killed mid-statement must not leave its statement (and its locks) running
    for minutes: the server notices the closed connection and cancels it."""
    probe = "SELECT pg_sleep(120) /* orphan probe */"
    client = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c",
         f"from django.db import connection; connection.cursor().execute({probe!r})"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": subprocess_database_url()},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert wait_until(lambda: running(probe), seconds=30), "the probe never started"
    finally:
        client.kill()
        client.wait()

    assert wait_until(lambda: not running(probe), seconds=15)


def subprocess_database_url() -> str:
    """The URL of the test database, for a subprocess (a worker, a client)."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )


def running(query: str) -> bool:
    with connection.cursor() as cursor:
        # The activity view is a snapshot per transaction: take a fresh one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query = %s AND state = 'active'", [query]
        )
        return cursor.fetchone()[0] > 0


def wait_until(condition, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
