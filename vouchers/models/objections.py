from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vouchers.models.voucher import Voucher


class Objection(models.Model):
    """An objection (异议) to a voucher in public notice, filed by anyone on the public
    board. While one is open the voucher stays in notice (closing.end_public_notice
    skips it); an officer upholds it (the voucher is revoked) or dismisses it, with a
    reason the board shows."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField("姓名 / name", max_length=100)
    contact = models.CharField("联系方式 / contact", max_length=200)
    text = models.TextField("异议内容 / objection", max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    filed_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField("处理理由 / reason", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "异议 / objection"
        ordering = ["filed_at", "pk"]
        constraints = [
            # A resolution always says who, when and why.
            models.CheckConstraint(
                condition=Q(status="open")
                | (Q(resolved_by__isnull=False, resolved_at__isnull=False) & ~Q(reason="")),
                name="objection_resolution_complete",
            )
        ]

    def __str__(self):
        return f"{self.voucher_id}: {self.name}"
