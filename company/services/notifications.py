"""Notifications of every status change of an entity's applications, vouchers and claims.

Hook: a scan of the append-only audit trail, not a `post_save` signal: the billing
pipelines write their events set-wise (`audit.record_all`), so no model signal fires for
them. Every status change writes an audit event in its own transaction, so reading the
trail misses none: the portal queues a scan after its own actions
(`transaction.on_commit`), Celery beat runs one every minute for the authority's and the
provider's actions, and without beat (tasks in-process) every audited change of a watched
object queues one on commit (`audit.services.recorded`). A redemption or a reconcile run
changes only the amount used, and notifies only when it used the voucher up.

Idempotent: one notification per (user, event) is a unique key, and the scan holds the
scan row's lock. It rereads the last LATE_COMMITS ids below where it stopped as well as
the new ones, since on PostgreSQL an event with a lower id can commit after one with a
higher id (ids are taken at INSERT, visibility comes at COMMIT); the distance is bounded by
the transactions in flight at once, far below that window.
"""

from celery import current_app
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import Membership
from audit import actions
from audit import services as audit
from audit.models import AuditEvent
from company.models import Claim, Notification, NotificationScan
from vouchers.models import Application, Voucher

WATCHED = {"application": Application, "voucher": Voucher, "claim": Claim}
# Events that are not a change of status.
QUIET_ACTIONS = {actions.APPLICATION_CREATE}
# Events about the amount used (a redemption; a reconcile run that moved nothing): they
# notify only when they used the voucher up. The pipelines write them set-wise, with the
# status before and after.
AMOUNT_ACTIONS = {actions.VOUCHER_REDEEM, actions.VOUCHER_RECONCILE}
LATE_COMMITS = 200
# Larger than the reread window, so new events always get most of a batch.
BATCH = 1000


def scan_audit_trail() -> list[int]:
    """Create the notifications not yet made; returns their ids (for the e-mails)."""
    NotificationScan.objects.get_or_create(pk=1)  # the first scan ever makes the row
    with transaction.atomic():
        # One scanner at a time: a second waits here and then sees the first's rows.
        scan = NotificationScan.objects.select_for_update().get(pk=1)
        events = _unseen_events(scan)
        created = _notify(events)
        if events:
            scan.scanned_through = max(scan.scanned_through, max(e.pk for e in events))
            scan.save(update_fields=["scanned_through"])
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: _queue_emails(ids))
    return ids


def _unseen_events(scan: NotificationScan) -> list[AuditEvent]:
    used_up = Q(after__status=Voucher.Status.EXHAUSTED) & ~Q(
        before__status=Voucher.Status.EXHAUSTED
    )
    watched = (
        Q(object_type__in=WATCHED)
        & ~Q(action__in=QUIET_ACTIONS)
        & (~Q(action__in=AMOUNT_ACTIONS) | used_up)
    )
    since = scan.scanned_through - LATE_COMMITS
    notified = Notification.objects.filter(event_id__gt=since).values("event_id")
    events = (
        AuditEvent.objects.filter(watched, pk__gt=since)
        .exclude(pk__in=notified)
        .select_related("programme")
        .order_by("pk")[:BATCH]
    )
    return list(events)


def _entities_of(events) -> dict[tuple[str, str], int]:
    """(object_type, object_id) -> entity id, one query per watched model."""
    owners = {}
    for object_type, model in WATCHED.items():
        ids = {e.object_id for e in events if e.object_type == object_type}
        for pk, entity_id in model.objects.filter(pk__in=ids).values_list("pk", "entity_id"):
            owners[(object_type, str(pk))] = entity_id
    return owners


def _staff_of(entity_ids) -> dict[int, list[int]]:
    staff: dict[int, list[int]] = {}
    memberships = Membership.objects.filter(
        entity_id__in=entity_ids, role=Membership.Role.ENTITY_STAFF
    ).values_list("entity_id", "user_id")
    for entity_id, user_id in memberships:
        staff.setdefault(entity_id, []).append(user_id)
    return staff


def _notify(events) -> list[Notification]:
    owners = _entities_of(events)
    staff = _staff_of(set(owners.values()))
    rows = []
    for event in events:
        entity_id = owners.get((event.object_type, event.object_id))
        for user_id in staff.get(entity_id, ()):
            rows.append(_notification(event, entity_id, user_id))
    return Notification.objects.bulk_create(Notification(**row) for row in rows)


def _notification(event: AuditEvent, entity_id: int, user_id: int) -> dict:
    from company import messages

    subject_zh, subject_en = messages.subject(event)
    return {
        "user_id": user_id,
        "entity_id": entity_id,
        "event": event,
        "subject_zh": subject_zh,
        "subject_en": subject_en,
        "body": messages.body(event),
        "link": messages.link(event),
    }


def _queue_emails(ids: list[int]) -> None:
    from company.tasks import email_notification_task

    for pk in ids:
        email_notification_task.delay(pk)


@receiver(audit.recorded)
def scan_after_status_changes(sender, events, **kwargs) -> None:
    """Without beat (tasks in-process, the embedded default) nothing scans every minute,
    so a reviewer's decision would wait for the portal's next action: scan once the
    transaction that changed a status commits. The scan reads only the new events."""
    if current_app.conf.task_always_eager and any(e.object_type in WATCHED for e in events):
        queue_scan()


def queue_scan() -> None:
    """After the portal's own status changes: notify once their transaction commits."""
    from company.tasks import scan_notifications_task

    transaction.on_commit(scan_notifications_task.delay)


def mark_read(*, notification: Notification, by) -> None:
    if notification.user_id != by.pk:
        raise PermissionError("a notification is read only by its recipient")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def claim_email(notification_id: int) -> bool:
    """Claim the e-mail once: True only for the first caller, so a task delivered twice
    sends one e-mail."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True)
    return claimed.update(emailed_at=timezone.now()) == 1


def release_email(notification_id: int) -> None:
    """Sending failed: let the retry claim it again."""
    Notification.objects.filter(pk=notification_id).update(emailed_at=None)
