"""Celery tasks: thin wrappers that call one service."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from vouchers.services.closing import close_vouchers
from vouchers.services.ledger_check import LedgerMismatch, check_ledger


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def close_vouchers_task(self) -> dict:
    """Daily: end finished public notices and expire vouchers, releasing unused value.
    Vouchers locked by a long reconcile are closed by a retry ten minutes later (the job
    is idempotent; in-process there is no later, and the next day's run takes them)."""
    result = close_vouchers(today=timezone.localdate())
    if result.get("busy") and not self.request.is_eager:
        raise self.retry(countdown=600)
    return result


@shared_task
def check_ledger_task() -> list[str]:
    """Nightly: recompute the books from the entries; a mismatch fails the task loudly."""
    problems = check_ledger().problems
    if problems:
        raise LedgerMismatch("ledger check failed:\n" + "\n".join(problems))
    return problems
