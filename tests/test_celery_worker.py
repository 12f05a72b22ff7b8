"""The daily expiry task, run in-process (no REDIS_URL) and through a real Celery worker
on Redis (REDIS_URL set).

The voucher is approved on 2024-01-10 under a programme whose vouchers are valid one
month, so on the pinned today (2024-06-01) it is past its expiry and holds 50,000 unused.
"""

import os
import runpy
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings

from config.celery import app
from tests import builders
from vouchers.models import CapUsage, Voucher
from vouchers.services import ledger
from vouchers.services.applications import approve_application
from vouchers.tasks import close_vouchers_task

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "config" / "settings.py"


@contextmanager
def eager(value: bool):
    """Set whether tasks run in-process, and put it back afterwards."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = value
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture
def expired_voucher(chengdu, alice, centre, company, bob):
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], voucher_validity_months=1
    )
    with mock.patch("django.utils.timezone.localdate", return_value=date(2024, 1, 10)):
        application = builders.submitted_application(
            programme=programme, entity=company, provider=centre
        )
        approve_application(application=application, by=bob)
    voucher = Voucher.objects.get(application=application)
    assert voucher.status == Voucher.Status.ACTIVE
    assert voucher.expires_on == date(2024, 2, 9)
    return voucher


def assert_expired_and_released(voucher):
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.EXPIRED
    assert voucher.released == voucher.face_value == Decimal("50000.00")
    assert voucher.reserve_account.balance == Decimal("0.00")
    assert ledger.available_account(voucher.programme).balance == voucher.programme.total_budget
    assert CapUsage.objects.get(programme=voucher.programme, entity=voucher.entity).used == 0


def test_without_redis_url_tasks_run_in_process(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)

    configured = runpy.run_path(str(SETTINGS_FILE))

    assert configured["CELERY_TASK_ALWAYS_EAGER"] is True
    assert configured["CELERY_BROKER_URL"] == "memory://"
    assert configured["CELERY_TASK_EAGER_PROPAGATES"] is True


def test_the_app_follows_the_settings():
    assert app.conf.task_always_eager == django_settings.CELERY_TASK_ALWAYS_EAGER
    assert app.conf.task_always_eager == (not os.environ.get("REDIS_URL"))


def test_the_expiry_task_runs_eagerly_in_process(expired_voucher):
    """Eager: the task runs in this thread, inside this test's transaction."""
    with eager(True):
        result = close_vouchers_task.delay()

    assert result.successful()
    assert result.get() == {"expired": 1, "activated": 0}
    assert_expired_and_released(expired_voucher)


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_expires_the_voucher(expired_voucher):
    """The rows are committed (transaction=True) so the worker's own connection sees them."""
    with eager(False), start_worker(app, pool="solo", perform_ping_check=False):
        result = close_vouchers_task.delay()
        assert result.get(timeout=30) == {"expired": 1, "activated": 0}

    assert_expired_and_released(expired_voucher)
