"""Payees' bank details and four-eyes payment batches.

BankDetails: one row per payee (an entity or a provider); the account number is
encrypted at rest (django-fernet-encrypted-fields, as accounts/personal.py) with its
keyed digest beside it; pages show it masked.

PaymentBatch: prepared -> approved -> paid (or prepared -> rejected, which frees its
lines). Prepared by one finance officer of the authority, approved by another (the
service refuses the preparer; the check constraint `payment_batch_four_eyes` stays
behind it). PaymentLine: one approved claim or one approved provider statement; a claim
or statement is on at most one live line (partial unique indexes on `live`, cleared
only when its batch is rejected). On approval each line copies the payee's bank details
as they stand then (encrypted too), so a later change does not redirect the money.
Paying records a bank reference and date per line; money moves only through
vouchers/services/ledger.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from encrypted_fields.fields import EncryptedCharField

from accounts.models import Authority, Entity, Provider
from accounts.personal import digest, mask, normalise_digits
from billing.models import Settlement
from company.models import Claim
from vouchers.models import Programme
from vouchers.models.fields import MoneyField


class BankDetails(models.Model):
    entity = models.OneToOneField(
        Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_details"
    )
    provider = models.OneToOneField(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_details"
    )
    account_name = models.CharField("户名 / account name", max_length=100)
    bank_name = models.CharField("开户行 / bank", max_length=100)
    account_number = EncryptedCharField("银行账号 / account number", max_length=40)
    account_number_digest = models.CharField(max_length=64, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "收款账户 / bank details"
        constraints = [
            models.CheckConstraint(
                condition=Q(entity__isnull=False, provider__isnull=True)
                | Q(entity__isnull=True, provider__isnull=False),
                name="bank_details_one_payee",
            ),
        ]

    def __str__(self):
        return f"{self.account_name} · {self.bank_name} · {self.masked_number}"

    def save(self, *args, **kwargs):
        self.account_number_digest = digest(normalise_digits(self.account_number))
        super().save(*args, **kwargs)

    @property
    def masked_number(self) -> str:
        return mask(self.account_number)


class PaymentBatch(models.Model):
    class Status(models.TextChoices):
        PREPARED = "prepared", _("Prepared")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")

    # One authority's payments, across its programmes (a reimburse programme's claims
    # and a provider-deducts programme's statements go out together).
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    status = FSMField(max_length=10, choices=Status.choices, default=Status.PREPARED)
    total_net = MoneyField(default=0)
    line_count = models.PositiveIntegerField(default=0)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField("说明 / note", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "付款批次 / payment batch"
        ordering = ["-pk"]
        constraints = [
            # Four eyes: whoever approves a batch did not prepare it.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                name="payment_batch_four_eyes",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} · {self.status}"

    @transition(field=status, source=Status.PREPARED, target=Status.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=Status.PREPARED, target=Status.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=Status.APPROVED, target=Status.PAID)
    def pay(self):
        pass


class PaymentLine(models.Model):
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="lines")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="payment_lines"
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="payment_lines"
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # False once its batch is rejected: the claim or statement may go on another batch.
    live = models.BooleanField(default=True)
    payee = models.CharField("收款人 / payee", max_length=200)
    gross = MoneyField("应付 / gross")
    # What a receivable of the payee took back from this payment (claw-back by offset).
    offset = MoneyField("抵扣 / offset", default=0)
    net = MoneyField("实付 / net")
    # The payee's bank details as they stood when the batch was approved.
    account_name = models.CharField(max_length=100, blank=True)
    bank_name = models.CharField(max_length=100, blank=True)
    account_number = EncryptedCharField(max_length=40, blank=True, null=True)
    bank_reference = models.CharField("银行流水号 / bank reference", max_length=64, blank=True)
    paid_on = models.DateField("付款日期 / paid on", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "付款明细 / payment line"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, settlement__isnull=True, entity__isnull=False)
                | Q(claim__isnull=True, settlement__isnull=False, provider__isnull=False),
                name="payment_line_one_payable",
            ),
            models.CheckConstraint(
                # ROUND: SQLite keeps decimals as binary floats.
                condition=Q(offset__gte=0, net__gte=0, net=Round(F("gross") - F("offset"), 2)),
                name="payment_line_net_is_gross_less_offset",
            ),
            models.UniqueConstraint(
                fields=["claim"], condition=Q(live=True), name="payment_line_claim_once"
            ),
            models.UniqueConstraint(
                fields=["settlement"], condition=Q(live=True), name="payment_line_statement_once"
            ),
        ]

    def __str__(self):
        return f"{self.batch_id}: {self.payee} {self.net}"

    @property
    def masked_number(self) -> str:
        return mask(self.account_number)
