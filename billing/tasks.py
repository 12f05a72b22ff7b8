"""Celery tasks: thin wrappers that take ids and call one pipeline or service."""

from celery import current_app, shared_task
from django.db import OperationalError
from django.utils import timezone

from billing import partitions, settlements, usage_files
from billing import reconcile as reconciliation
from billing.models import UsageFile
from vouchers.tasks import close_vouchers_task

# The foundation's daily close (expiry and end of public notice), under the name the
# provider-integration issue uses; one task, so beat runs it once.
expire_vouchers = close_vouchers_task


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def process_usage_file(file_id: int) -> dict:
    done = usage_files.process_usage_file(usage_file=UsageFile.objects.get(pk=file_id))
    return {"status": done.status, "rows_total": done.rows_total}


@shared_task
def requeue_stuck_files() -> list[int]:
    """Every half minute from beat: queue again the usage files whose worker died, and
    the queued ones whose message seems lost (only when the queue is empty; otherwise
    they may just be waiting their turn)."""
    stuck = usage_files.stuck_files(now=timezone.now(), include_queued=_queue_is_empty())
    for file_id in stuck:
        process_usage_file.delay(file_id)
    return stuck


def _queue_is_empty() -> bool:
    app = current_app
    with app.connection_for_read() as connection:
        try:
            declared = connection.default_channel.queue_declare(
                queue=app.conf.task_default_queue, passive=True
            )
        except connection.channel_errors:
            return True  # no worker has declared the queue yet: nothing waits in it
    return declared.message_count == 0


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def reconcile(programme_id: int | None = None) -> dict:
    return reconciliation.reconcile(programme_id=programme_id).as_dict()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def build_settlements(period: str | None = None) -> dict | list[dict]:
    """One period's statements, or (from beat) every programme's period that just ended."""
    if period:
        return settlements.build_settlements(period=period)
    return settlements.build_ended_settlements()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def create_usage_partitions() -> list[str]:
    """Daily from beat: the usage table's months up to a quarter ahead (PostgreSQL)."""
    return partitions.ensure_partitions()
