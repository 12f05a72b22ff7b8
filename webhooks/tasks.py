"""Thin tasks: scan for new events and queue what is due (beat, every minute), and one
attempt of one delivery."""

from celery import shared_task

from webhooks import events, selectors, services


@shared_task
def deliver_task(delivery_id: int) -> bool:
    return services.attempt(delivery_id=delivery_id)


@shared_task
def scan_and_deliver_task() -> int:
    events.scan()
    due = selectors.due_delivery_ids()
    for pk in due:
        deliver_task.delay(pk)
    return len(due)
