"""Celery tasks: thin wrappers that call one service."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from vouchers.services.closing import close_vouchers


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def close_vouchers_task() -> dict:
    """Daily: end finished public notices and expire vouchers, releasing unused value."""
    return close_vouchers(today=timezone.localdate())
