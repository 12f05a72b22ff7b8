from django.conf import settings
from django.db import models
from django.db.models import Q

from vouchers.models.applications import Application
from vouchers.models.fields import MoneyField


class FirstApproval(models.Model):
    """An approval above its programme's `second_review_above`, waiting for a second,
    different reviewer; the voucher issues only when that reviewer confirms it. At most
    one is open per application (partial unique index), so two first approvals racing
    cannot both wait."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="first_approvals"
    )
    amount = MoneyField("初审金额 / amount")
    note = models.TextField("初审意见 / note", blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "初审 / first approval"
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(confirmed_at__isnull=True),
                name="one_open_first_approval",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("approved_by")),
                name="first_approval_two_reviewers",
            ),
        ]

    def __str__(self):
        return f"#{self.application_id} {self.amount}"
