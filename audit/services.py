"""Recording audit events: one per state change or ledger movement, written in the same
transaction as the change so that neither can exist without the other."""

from decimal import Decimal

from django.dispatch import Signal

from audit.models import AuditEvent

# Sent with `events` once they are written (inside the writer's transaction), so that a
# reader of the trail can react without the writers knowing it (company notifications).
recorded = Signal()


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def event(
    *,
    actor,
    action: str,
    obj,
    before: dict | None = None,
    after: dict | None = None,
    programme=None,
) -> AuditEvent:
    """An unsaved event; callers that write several at once use `record_all`."""
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=str(obj.pk),
        programme_id=getattr(programme, "pk", programme),
        before={k: _plain(v) for k, v in (before or {}).items()},
        after={k: _plain(v) for k, v in (after or {}).items()},
    )


def record(**kwargs) -> AuditEvent:
    """Write one event now (same keyword arguments as `event`)."""
    written = event(**kwargs)
    written.save()
    recorded.send(sender=AuditEvent, events=[written])
    return written


def record_all(events: list[AuditEvent]) -> None:
    """Write several events in one INSERT."""
    AuditEvent.objects.bulk_create(events)
    recorded.send(sender=AuditEvent, events=events)
