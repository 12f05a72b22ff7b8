"""The billing tasks, in-process (no REDIS_URL) and through a real Celery worker on Redis:
a usage file is ingested, reconciled and settled, end to end."""

import os

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings

from billing import tasks, usage_files
from billing.models import Settlement, UsageRecord
from config.celery import app
from tests.billing.conftest import assert_ledger_holds
from tests.test_celery_worker import eager

CSV = (
    "record_id,contract_number,period_start,period_end,amount,currency\n"
    "a,HT-2024-001,2024-06-03T00:00:00+08:00,2024-06-03T10:00:00+08:00,100.00,CNY\n"
    "b,HT-2024-001,2024-06-04T00:00:00+08:00,2024-06-04T10:00:00+08:00,-1,CNY\n"
    "c,HT-2024-002,2024-06-04T00:00:00+08:00,2024-06-04T10:00:00+08:00,5.00,CNY\n"
)


@pytest.fixture
def june_file(voucher, centre, settings, tmp_path):
    settings.USAGE_FILE_ROOT = tmp_path
    return usage_files.store_upload(provider=centre, chunks=[CSV.encode()])


def run_all(june_file, timeout=None):
    get = (lambda result: result.get(timeout=timeout)) if timeout else (lambda result: result.get())
    processed = get(tasks.process_usage_file.delay(june_file.pk))
    reconciled = get(tasks.reconcile.delay())
    settled = get(tasks.build_settlements.delay("2024-06"))
    return processed, reconciled, settled


def assert_settled(voucher):
    assert dict(UsageRecord.objects.values_list("record_id", "status")) == {
        "a": "redeemed",
        "c": "exception",
    }
    statement = Settlement.objects.get(period="2024-06")
    assert str(statement.total_subsidy) == "50.00"
    assert_ledger_holds(voucher.programme)


def test_the_tasks_run_in_process_without_redis(june_file, voucher):
    with eager(True):
        processed, reconciled, settled = run_all(june_file)

    assert processed == {"status": "done", "rows_total": 3}
    assert (reconciled["redeemed"], reconciled["exceptions"]) == (1, 1)
    assert settled["lines_added"] == 1
    assert_settled(voucher)


def test_beat_runs_all_three_billing_tasks():
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"billing.tasks.reconcile", "billing.tasks.build_settlements"} <= scheduled
    assert "api.tasks.purge_idempotent_responses" in scheduled
    assert tasks.expire_vouchers.name in scheduled


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_ingests_reconciles_and_settles(june_file, voucher):
    with eager(False), start_worker(app, pool="solo", perform_ping_check=False):
        processed, reconciled, settled = run_all(june_file, timeout=60)

    assert processed["status"] == "done"
    assert reconciled["redeemed"] == 1
    assert_settled(voucher)
