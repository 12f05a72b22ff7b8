"""The fan-out: which events happened, for which provider, and one Delivery per
(endpoint, event).

Sources, read by id or time cursor like the company notifications
(company/services/notifications.py), never by a post_save signal, since the billing
pipelines write set-wise:
- the audit trail: voucher.revoked (voucher.revoke), voucher.expired (voucher.expire),
  voucher.exhausted (voucher.redeem or voucher.reconcile whose status went to
  exhausted), contract.declared (contract.register), statement.ready
  (settlement.build), statement.paid (settlement.pay);
- reconciliation.exception_opened: the reconcile pipeline writes no audit event for a
  case it opens; the case row itself (ReconciliationException, created once per record)
  is the record, read by id;
- usage_file.finished: the file job writes no audit event either; its row gets
  `finished_at` when it ends (done or failed), read by that time.

A rescan is harmless: (endpoint, event_id) is unique and inserts skip conflicts. Each
scan rereads a window below its cursor, because on PostgreSQL a row with a lower id (or
an earlier time) can commit after a higher one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from audit import actions
from audit.models import AuditEvent
from billing.models import ReconciliationException, Settlement, UsageFile
from vouchers.models import Contract, Voucher
from webhooks.models import Delivery, Endpoint, WebhookScan

TYPES = [
    "voucher.revoked",
    "voucher.expired",
    "voucher.exhausted",
    "usage_file.finished",
    "reconciliation.exception_opened",
    "contract.declared",
    "statement.ready",
    "statement.paid",
]
AUDIT_TYPES = {
    actions.VOUCHER_REVOKE: "voucher.revoked",
    actions.VOUCHER_EXPIRE: "voucher.expired",
    actions.CONTRACT_REGISTER: "contract.declared",
    actions.SETTLEMENT_BUILD: "statement.ready",
    actions.SETTLEMENT_PAY: "statement.paid",
}
AMOUNT_ACTIONS = {actions.VOUCHER_REDEEM, actions.VOUCHER_RECONCILE}
LATE_COMMITS = 200
LATE_FILES = timedelta(minutes=5)
BATCH = 1000


@dataclass
class Event:
    id: str
    type: str
    provider_id: int
    created: datetime
    data: dict

    def payload(self) -> dict:
        created = self.created.isoformat()
        return {"id": self.id, "type": self.type, "created": created, "data": self.data}


def scan_row() -> WebhookScan:
    """The cursor row; made at the first endpoint, starting at what exists then, since
    no endpoint can want an event older than itself."""
    latest = ReconciliationException.objects.aggregate(m=Max("pk"))["m"] or 0
    row, _ = WebhookScan.objects.get_or_create(
        pk=1,
        defaults={
            "audit_through": AuditEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
            "exceptions_through": latest,
            "files_through": timezone.now(),
        },
    )
    return row


def scan() -> int:
    """Create the deliveries not yet made; returns how many events were read."""
    scan_row()
    with transaction.atomic():
        # One scanner at a time: a second waits here, then rereads what the first wrote.
        row = WebhookScan.objects.select_for_update().get(pk=1)
        audit_events = _audit_events(row)
        cases = _exception_cases(row)
        files = _finished_files(row)
        events = _from_audit(audit_events) + _from_cases(cases) + _from_files(files)
        _fan_out(events)
        _advance(row, audit_events, cases, files)
    return len(events)


def _audit_events(row) -> list[AuditEvent]:
    used_up = (
        Q(action__in=AMOUNT_ACTIONS)
        & Q(after__status=Voucher.Status.EXHAUSTED)
        & ~Q(before__status=Voucher.Status.EXHAUSTED)
    )
    wanted = Q(action__in=AUDIT_TYPES) | used_up
    since = row.audit_through - LATE_COMMITS
    return list(AuditEvent.objects.filter(wanted, pk__gt=since).order_by("pk")[:BATCH])


def _exception_cases(row) -> list[ReconciliationException]:
    since = row.exceptions_through - LATE_COMMITS
    cases = ReconciliationException.objects.filter(pk__gt=since).select_related("record")
    return list(cases.order_by("pk")[:BATCH])


def _finished_files(row) -> list[UsageFile]:
    since = (row.files_through or timezone.now()) - LATE_FILES
    return list(UsageFile.objects.filter(finished_at__gt=since).order_by("finished_at")[:BATCH])


def _advance(row, audit_events, cases, files) -> None:
    row.audit_through = max([row.audit_through] + [e.pk for e in audit_events])
    row.exceptions_through = max([row.exceptions_through] + [c.pk for c in cases])
    if files:
        row.files_through = max(row.files_through or files[-1].finished_at, files[-1].finished_at)
    row.save()


def _from_audit(events) -> list[Event]:
    vouchers = _by_pk(Voucher, events, "voucher", "contract")
    contracts = _by_pk(Contract, events, "contract")
    settlements = _by_pk(Settlement, events, "settlement", "programme")
    found = []
    for event in events:
        kind = AUDIT_TYPES.get(event.action, "voucher.exhausted")
        obj = {"voucher": vouchers, "contract": contracts, "settlement": settlements}.get(
            event.object_type, {}
        ).get(event.object_id)
        if obj is not None:
            data = DATA[event.object_type](obj)
            found.append(Event(f"audit-{event.pk}", kind, obj.provider_id, event.at, data))
    return found


def _by_pk(model, events, object_type, *related) -> dict:
    ids = {e.object_id for e in events if e.object_type == object_type}
    rows = model.objects.filter(pk__in=ids).select_related(*related)
    return {str(row.pk): row for row in rows}


def _from_cases(cases) -> list[Event]:
    return [
        Event(
            f"exception-{case.pk}",
            "reconciliation.exception_opened",
            case.record.provider_id,
            case.created_at,
            {
                "exception_id": case.pk,
                "reason": case.reason,
                "record_id": case.record.record_id,
                "contract_number": case.record.contract_number,
            },
        )
        for case in cases
    ]


def _from_files(files) -> list[Event]:
    return [
        Event(
            f"usage_file-{job.pk}",
            "usage_file.finished",
            job.provider_id,
            job.finished_at,
            {
                "job_id": job.pk,
                "status": job.status,
                "rows_total": job.rows_total,
                "rows_accepted": job.rows_accepted,
                "rows_rejected": job.rows_rejected,
            },
        )
        for job in files
    ]


def _voucher_data(voucher) -> dict:
    return {
        "code": voucher.code,
        "status": voucher.status,
        "contract_number": voucher.contract.number,
        "face_value": str(voucher.face_value),
        "redeemed": str(voucher.redeemed),
        "expires_on": voucher.expires_on.isoformat(),
    }


def _contract_data(contract) -> dict:
    return {"contract_id": contract.pk, "contract_number": contract.number}


def _settlement_data(settlement) -> dict:
    return {
        "statement_id": settlement.pk,
        "programme": settlement.programme.code,
        "period": settlement.period,
        "status": settlement.status,
        "total_billed": str(settlement.total_billed),
        "total_subsidy": str(settlement.total_subsidy),
    }


DATA = {"voucher": _voucher_data, "contract": _contract_data, "settlement": _settlement_data}


def _fan_out(events: list[Event]) -> None:
    providers = {e.provider_id for e in events}
    endpoints = Endpoint.objects.filter(provider_id__in=providers, active=True)
    now = timezone.now()
    rows = [
        Delivery(
            endpoint=endpoint,
            event_id=event.id,
            event_type=event.type,
            payload=event.payload(),
            next_attempt_at=now,
            created_at=now,
        )
        for endpoint in endpoints
        for event in events
        if event.provider_id == endpoint.provider_id
        and endpoint.wants(event.type)
        and event.created >= endpoint.created_at
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
