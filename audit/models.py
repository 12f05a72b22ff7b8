"""The audit trail: who did what to which object, in the same transaction as the change."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from config.append_only import AppendOnlyModel


class AuditEvent(AppendOnlyModel):
    """Who did what to which object, with the state before and after. Append-only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    programme = models.ForeignKey(
        "vouchers.Programme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        # Related-object access uses the base manager: keep it the guarded one too.
        base_manager_name = "objects"
        verbose_name = verbose_name_plural = "审计日志 / audit event"
        db_table = "audit_event"
        ordering = ["-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
