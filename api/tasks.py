"""Celery tasks of the provider API: thin wrappers around its services."""

from celery import shared_task
from django.db import OperationalError

from api.services import idempotency, sandbox
from billing import usage_files
from billing.models import UsageFile


@shared_task
def purge_idempotent_responses() -> int:
    return idempotency.purge_expired()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def process_sandbox_file(file_id: int) -> dict:
    """A usage file sent with a test key: processed, then the sandbox reconciled at once."""
    done = usage_files.process_usage_file(usage_file=UsageFile.objects.get(pk=file_id))
    sandbox.reconcile_now(done.provider)
    return {"status": done.status, "rows_total": done.rows_total}
