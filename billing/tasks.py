"""Celery tasks: thin wrappers that take ids and call one pipeline or service."""

from celery import shared_task
from django.db import OperationalError

from billing import reconcile as reconciliation
from billing import settlements, usage_files
from billing.models import UsageFile
from vouchers.tasks import close_vouchers_task

# The foundation's daily close (expiry and end of public notice), under the name the
# provider-integration issue uses; one task, so beat runs it once.
expire_vouchers = close_vouchers_task


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def process_usage_file(file_id: int) -> dict:
    done = usage_files.process_usage_file(usage_file=UsageFile.objects.get(pk=file_id))
    return {"status": done.status, "rows_total": done.rows_total}


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def reconcile(programme_id: int | None = None) -> dict:
    return reconciliation.reconcile(programme_id=programme_id).as_dict()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def build_settlements(period: str | None = None) -> dict:
    return settlements.build_settlements(period=period or settlements.last_month())
