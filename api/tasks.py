"""Celery tasks of the provider API: thin wrappers around its services."""

from celery import shared_task

from api.services import idempotency


@shared_task
def purge_idempotent_responses() -> int:
    return idempotency.purge_expired()
