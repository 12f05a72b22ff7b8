"""Webhook endpoints (created, disabled, enabled) and the attempts of each delivery.

Endpoints are a provider's integration settings, like its API keys: managed by its own
staff (`api.manage_keys`, which a superuser without the membership does not hold).

An attempt claims its delivery by a conditional UPDATE that pushes `next_attempt_at`
past the HTTP timeout, so two workers handed the same delivery send it once; the POST
happens outside any transaction, and its result is written after.
"""

import secrets
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, Provider
from accounts.permissions import require
from audit import actions
from audit import services as audit
from config.errors import DomainError, clean_text
from webhooks import signing
from webhooks.events import TYPES, scan_row
from webhooks.models import Delivery, Endpoint
from webhooks.urls_check import check_url

SECRET_START = "whsec_"
TIMEOUT_SECONDS = 10
# After the first attempt: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, about a day in all.
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
]
RESPONSE_EXCERPT = 2048
# Longer than an attempt can take, so a claimed delivery is not claimed twice.
CLAIM_LEASE = timedelta(seconds=TIMEOUT_SECONDS * 6)


def create_endpoint(*, provider: Provider, url: str, events: list[str], by) -> Endpoint:
    require(by, "api.manage_keys", provider)
    url = clean_text(url.strip(), field="url")
    check_url(url)
    unknown = sorted(set(events) - set(TYPES))
    if unknown:
        raise DomainError(
            "events",
            f"未知的事件类型：{', '.join(unknown)}",
            f"unknown event types: {', '.join(unknown)}",
            code="unknown_event",
        )
    scan_row()  # the fan-out starts from now, before the first endpoint exists
    with transaction.atomic():
        endpoint = Endpoint.objects.create(
            provider=provider,
            url=url,
            events=sorted(set(events)),
            secret=SECRET_START + secrets.token_urlsafe(32),
            created_at=timezone.now(),
            created_by=by,
        )
        after = {"url": url, "events": endpoint.events}
        audit.record(actor=by, action=actions.WEBHOOK_CREATE, obj=endpoint, after=after)
    return endpoint


def disable_endpoint(*, endpoint: Endpoint, by) -> Endpoint:
    require(by, "api.manage_keys", endpoint.provider)
    with transaction.atomic():
        changed = Endpoint.objects.filter(pk=endpoint.pk, active=True).update(
            active=False, disabled_at=timezone.now()
        )
        if changed:
            audit.record(actor=by, action=actions.WEBHOOK_DISABLE, obj=endpoint)
    endpoint.refresh_from_db()
    return endpoint


def enable_endpoint(*, endpoint: Endpoint, by) -> Endpoint:
    """Back on after a fix: the failure count starts again; deliveries already given up
    stay failed (redeliver them one by one)."""
    require(by, "api.manage_keys", endpoint.provider)
    check_url(endpoint.url)
    with transaction.atomic():
        changed = Endpoint.objects.filter(pk=endpoint.pk, active=False).update(
            active=True, disabled_at=None, failures=0
        )
        if changed:
            audit.record(actor=by, action=actions.WEBHOOK_ENABLE, obj=endpoint)
    endpoint.refresh_from_db()
    return endpoint


def rotate_secret(*, endpoint: Endpoint, by) -> Endpoint:
    """A new signing secret, in force at once (shown once by the caller); audited
    without the secret."""
    require(by, "api.manage_keys", endpoint.provider)
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(
            secret=SECRET_START + secrets.token_urlsafe(32)
        )
        audit.record(actor=by, action=actions.WEBHOOK_ROTATE, obj=endpoint)
    endpoint.refresh_from_db()
    return endpoint


def redeliver(*, delivery: Delivery, by) -> Delivery:
    """Send again now, whatever its status; the attempts go on counting."""
    require(by, "api.manage_keys", delivery.endpoint.provider)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.PENDING, next_attempt_at=timezone.now()
        )
        before = {"status": delivery.status, "attempts": delivery.attempts}
        audit.record(actor=by, action=actions.WEBHOOK_REDELIVER, obj=delivery, before=before)
        transaction.on_commit(lambda: _queue(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def _queue(pk: int) -> None:
    from webhooks.tasks import deliver_task

    deliver_task.delay(pk)


def attempt(*, delivery_id: int) -> bool:
    """One attempt if the delivery is due; True if it was delivered."""
    now = timezone.now()
    # The delivery's own columns are tested on the row the UPDATE locks. A join
    # (`endpoint__active`) would make Django write `id IN (SELECT ... JOIN ...)`, whose
    # second copy of the delivery PostgreSQL does not re-read after waiting for another
    # worker's claim, so every waiting worker would claim it too.
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status=Delivery.Status.PENDING,
        next_attempt_at__lte=now,
        endpoint_id__in=Endpoint.objects.filter(active=True).values("pk"),
    ).update(next_attempt_at=now + CLAIM_LEASE)
    if not claimed:
        return False
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    code, text = _post(delivery.endpoint, delivery.payload)
    ok = code is not None and 200 <= code < 300
    _record(delivery, code, text, ok)
    return ok


def _post(endpoint: Endpoint, payload: dict) -> tuple[int | None, str]:
    """(status code, start of the response) or (None, why nothing came back)."""
    try:
        check_url(endpoint.url)
    except DomainError as refused:
        return None, str(refused)
    body = signing.body_of(payload)
    header = signing.signature(
        secret=endpoint.secret, timestamp=int(timezone.now().timestamp()), body=body
    )
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "compute-voucher-webhooks/1",
            signing.HEADER: header,
        },
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, _excerpt(response)
    except urllib.error.HTTPError as error:
        return error.code, _excerpt(error)
    except (OSError, ValueError) as error:  # refused, reset, timed out, bad TLS
        return None, f"{type(error).__name__}: {error}"[:RESPONSE_EXCERPT]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead to an address check_url refuses: a 3xx is an answer, not a hop.
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _excerpt(response) -> str:
    return response.read(RESPONSE_EXCERPT).decode("utf-8", errors="replace")


def _record(delivery: Delivery, code: int | None, text: str, ok: bool) -> None:
    now = timezone.now()
    attempts = delivery.attempts + 1
    fields = {
        "attempts": attempts,
        "last_attempt_at": now,
        "response_code": code,
        "response_body": text,
    }
    if ok:
        fields.update(status=Delivery.Status.DELIVERED, next_attempt_at=None)
    elif attempts > len(BACKOFF):
        fields.update(status=Delivery.Status.FAILED, next_attempt_at=None)
    else:
        fields.update(next_attempt_at=now + BACKOFF[attempts - 1])
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(**fields)
        endpoints = Endpoint.objects.filter(pk=delivery.endpoint_id)
        if ok:
            endpoints.update(failures=0)
        else:
            endpoints.update(failures=F("failures") + 1)
            _disable_if_failing(delivery.endpoint)


def _disable_if_failing(endpoint: Endpoint) -> None:
    failing = Endpoint.objects.filter(
        pk=endpoint.pk, active=True, failures__gte=settings.WEBHOOK_DISABLE_AFTER
    )
    # Conditional: of two workers failing at once, one disables and tells.
    if failing.update(active=False, disabled_at=timezone.now()):
        audit.record(
            actor=None,
            action=actions.WEBHOOK_DISABLE,
            obj=endpoint,
            after={"reason": "failures", "failures": settings.WEBHOOK_DISABLE_AFTER},
        )
        transaction.on_commit(lambda: _tell_staff(endpoint))


def _tell_staff(endpoint: Endpoint) -> None:
    staff = Membership.objects.filter(
        provider_id=endpoint.provider_id, role=Membership.Role.PROVIDER_STAFF
    ).values_list("user__email", flat=True)
    recipients = sorted({email for email in staff if email})
    if recipients:
        send_mail(
            "Webhook 端点已停用 / Webhook endpoint disabled",
            f"连续 {settings.WEBHOOK_DISABLE_AFTER} 次投递失败，已停用：{endpoint.url}\n"
            f"Disabled after {settings.WEBHOOK_DISABLE_AFTER} failed deliveries in a row:"
            f" {endpoint.url}\n",
            None,
            recipients,
        )
