"""Celery tasks: thin wrappers that call one service."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from vouchers.services.closing import close_vouchers
from vouchers.services.ledger_check import LedgerMismatch, check_ledger


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def close_vouchers_task() -> dict:
    """Daily: end finished public notices and expire vouchers, releasing unused value."""
    return close_vouchers(today=timezone.localdate())


@shared_task
def check_ledger_task() -> list[str]:
    """Nightly: recompute the books from the entries; a mismatch fails the task loudly."""
    problems = check_ledger().problems
    if problems:
        raise LedgerMismatch("ledger check failed:\n" + "\n".join(problems))
    return problems
