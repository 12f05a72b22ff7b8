from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from accounts.models import Provider
from billing.models.usage import UsageRecord
from vouchers.models import Programme
from vouchers.models.fields import MoneyField


class Settlement(models.Model):
    """A provider's statement in one programme for one of its settlement periods (a
    month, or a quarter where the programme settles quarterly): what the authority owes it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="settlements")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="settlements")
    period = models.CharField(max_length=7)  # "YYYY-MM" or "YYYY-Qn" (billing/settlements.py)
    status = FSMField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    total_billed = MoneyField(default=0)
    total_subsidy = MoneyField(default=0)
    # What the provider owed back (a claw-back receivable) and was offset against this
    # statement when it was approved (recovery/): the payment is total_subsidy - offset.
    offset = MoneyField(default=0)
    # [{"by": user id, "role": ..., "at": iso time, "step": "approve" | "pay"}]
    approvals = models.JSONField(default=list, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "结算单 / settlement"
        ordering = ["-period", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "programme", "period"], name="settlement_once_a_month"
            ),
            # Four-eyes: whoever pays is not whoever approved.
            models.CheckConstraint(
                condition=Q(paid_by__isnull=True) | ~Q(paid_by=models.F("approved_by")),
                name="settlement_four_eyes",
            ),
        ]

    def __str__(self):
        return f"{self.provider} · {self.programme.code} · {self.period}"

    @transition(field=status, source=Status.DRAFT, target=Status.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=Status.APPROVED, target=Status.PAID)
    def pay(self):
        pass


class SettlementLine(models.Model):
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="lines")
    # A record is on one statement at most. No database foreign key: the record's month
    # may be detached after the retention period (billing/partitions.py); the line keeps
    # its amounts.
    record = models.OneToOneField(
        UsageRecord, on_delete=models.PROTECT, related_name="settlement_line", db_constraint=False
    )
    billed = MoneyField()
    subsidy = MoneyField()

    class Meta:
        verbose_name = verbose_name_plural = "结算明细 / settlement line"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.settlement_id}: {self.record_id} {self.subsidy}"
