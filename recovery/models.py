"""Claw-back (追回): money found wrong after it was paid, and how it comes back.

A `Finding` (an officer's, with reason and evidence) names what was paid wrongly: a
redemption on a paid provider statement, or a paid reimburse claim. Recording it moves
the amount paid(payee) -> receivable(payee) in the ledger (a `clawback` entry). The
receivable (one ledger account per programme and payee) is then recovered by `Recovery`
rows, each with its entry receivable -> available (the budget gets it back) or, for a
write-off, receivable -> written_off:
- an offset against the payee's next statement or claim of the programme, taken when it
  is approved (the statement's or claim's `offset`; its payment is gross - offset);
- a repayment the payee made, with the bank reference and date;
- a write-off, requested by one finance officer and confirmed by another (`WriteOff`,
  four-eyes also as a check constraint).

Invariant (checked by check_ledger): a receivable's balance is its findings less its
recoveries, and never below zero (`account_no_overdraft`). Findings and recoveries are
history, never edited (the ledger entries under them are append-only in the database).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Entity, Provider
from billing.models import ReconciliationException, Settlement, UsageRecord
from company.models import Claim
from config.append_only import AppendOnlyModel
from vouchers.models import LedgerAccount, LedgerEntry, Programme
from vouchers.models.fields import MoneyField

USER = settings.AUTH_USER_MODEL


class Finding(AppendOnlyModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="findings")
    receivable = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    # The payee: the provider of a redemption, or the entity of a claim.
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    # No database foreign key: the record's month may be detached (billing/partitions.py).
    record = models.ForeignKey(
        UsageRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        db_constraint=False,
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    # The `clawback_needed` reconciliation exception this finding resolved, if any.
    exception = models.OneToOneField(
        ReconciliationException,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finding",
    )
    amount = MoneyField(_("amount"))
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to="findings/%Y/")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        base_manager_name = "objects"
        verbose_name = verbose_name_plural = "追回认定 / claw-back finding"
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finding_amount_positive"),
            models.CheckConstraint(
                condition=Q(provider__isnull=True, record__isnull=True, claim__isnull=False)
                | Q(entity__isnull=True, claim__isnull=True, record__isnull=False),
                name="finding_one_source",
            ),
            models.CheckConstraint(
                condition=Q(provider__isnull=True) ^ Q(entity__isnull=True),
                name="finding_one_payee",
            ),
        ]

    def __str__(self):
        return f"finding {self.pk}: {self.amount} ({self.receivable})"

    @property
    def payee(self):
        return self.provider or self.entity


class WriteOff(models.Model):
    """A request to give up (part of) a receivable; effective when a second finance
    officer confirms it."""

    receivable = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(_("amount"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "核销坏账 / write-off"
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_amount_positive"),
            # Four-eyes: whoever confirms is not whoever asked.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("requested_by")),
                name="write_off_four_eyes",
            ),
            # One open request per receivable: two would let both be confirmed.
            models.UniqueConstraint(
                fields=["receivable"],
                condition=Q(confirmed_by__isnull=True),
                name="write_off_one_open",
            ),
        ]

    def __str__(self):
        return f"write-off {self.pk}: {self.amount} ({self.receivable})"


class Recovery(AppendOnlyModel):
    """Part of a receivable recovered (offset, repayment) or written off."""

    class Kind(models.TextChoices):
        OFFSET = "offset", _("Offset")
        REPAYMENT = "repayment", _("Repayment")
        WRITE_OFF = "write_off", _("Write-off")

    receivable = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = MoneyField(_("amount"))
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="offsets"
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="offsets"
    )
    write_off = models.OneToOneField(
        WriteOff, on_delete=models.PROTECT, null=True, blank=True, related_name="recovery"
    )
    bank_reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True)
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        base_manager_name = "objects"
        verbose_name = verbose_name_plural = "追回回收 / recovery"
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive"),
            # A statement or claim is offset once.
            models.UniqueConstraint(fields=["settlement"], name="recovery_offset_settlement_once"),
            models.UniqueConstraint(fields=["claim"], name="recovery_offset_claim_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount} ({self.receivable})"
