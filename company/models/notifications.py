from django.conf import settings
from django.db import models

from accounts.models import Entity


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="notifications")
    # The audit event it reports; null for notices not born of one.
    event = models.ForeignKey(
        "audit.AuditEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_zh = models.CharField(max_length=200)
    subject_en = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知 / notification"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="one_notification_per_event"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.subject_en


class NotificationScan(models.Model):
    """The one row the audit-trail scanner locks, and how far it has read."""

    scanned_through = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "通知扫描进度 / notification scan"

    def __str__(self):
        return f"scanned through audit event {self.scanned_through}"
