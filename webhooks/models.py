"""Webhooks: a provider's endpoints and the deliveries of events to them.

An event is something a provider may want to hear about without polling (a voucher of
its contracts revoked, a statement paid...). `webhooks/events.py` reads them from the
audit trail and the billing tables and makes one Delivery per (endpoint, event): the
unique key makes a rescan add nothing. A delivery is `pending` until an attempt gets a
2xx (`delivered`) or the retries run out (`failed`); an endpoint counts its consecutive
failed attempts and is switched off after WEBHOOK_DISABLE_AFTER of them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Provider


class Endpoint(models.Model):
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    # The HMAC key of the signature header, shown to the provider once at creation.
    secret = models.CharField(max_length=80)
    # The event types wanted; empty means every type.
    events = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    # Consecutive failed attempts; a success sets it back to 0.
    failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "Webhook 端点 / webhook endpoint"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.provider} {self.url}"

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


class Delivery(models.Model):
    class Status(models.TextChoices):
        # Not the usage record's "Pending" (待对账): this one waits to be sent.
        PENDING = "pending", pgettext_lazy("webhook delivery", "Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # "<source>-<id>" (audit-12, exception-3, usage_file-7): the same for every endpoint.
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=40)
    # {id, type, created, data}: the body sent, serialised the same way at every attempt.
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    # The first 2 KB of the response, or why no response came (timeout, refused...).
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "Webhook 投递 / webhook delivery"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_event_once"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event_type} {self.event_id} -> {self.endpoint_id} {self.status}"


class WebhookScan(models.Model):
    """One row: how far the fan-out has read each source (see webhooks/events.py)."""

    audit_through = models.BigIntegerField(default=0)
    exceptions_through = models.BigIntegerField(default=0)
    files_through = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"audit {self.audit_through}, exceptions {self.exceptions_through}"
