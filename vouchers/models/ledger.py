from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Entity, Provider
from config.append_only import AppendOnlyModel
from vouchers.models.fields import MoneyField
from vouchers.models.programmes import FundingSource, Programme


class LedgerAccount(models.Model):
    """A balance in a programme's book. balance = credits - debits.

    Only funding accounts (the sources of money) may go negative; the check constraint
    makes an overdraft of any other account impossible, whatever the code above does.
    """

    class Kind(models.TextChoices):
        FUNDING = "funding", _("Funding")
        AVAILABLE = "available", _("Available")
        RESERVE = "reserve", _("Voucher reserve")
        REDEEMED = "redeemed", _("Redeemed")
        PAID = "paid", _("Paid")
        # What the programme owes an entity for its approved reimburse claims; keyed by
        # the entity (account_key), like the provider accounts.
        PAYABLE = "payable", _("Payable")
        # What a payee (provider or entity) owes the programme back after a claw-back
        # finding (追回), until offset, repaid or written off (recovery/).
        RECEIVABLE = "receivable", _("Receivable")
        # Receivables given up by two finance officers: kept in the book so that the
        # accounts still sum to the budget.
        WRITTEN_OFF = "written_off", _("Written off")

    key = models.CharField(max_length=80, unique=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    funding_source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    voucher = models.OneToOneField(
        "vouchers.Voucher",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reserve_account",
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    balance = MoneyField(default=0)
    allow_negative = models.BooleanField(default=False)

    class Meta:
        verbose_name = verbose_name_plural = "账户 / ledger account"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allow_negative=True) | Q(balance__gte=0), name="account_no_overdraft"
            ),
        ]

    def __str__(self):
        return self.key


class LedgerEntry(AppendOnlyModel):
    """One movement of money from `debit` to `credit`. Never edited: a mistake is
    corrected by a new entry of its own kind (a take-back, a claw-back) the other way.
    Written only by vouchers/services/ledger.py."""

    class Kind(models.TextChoices):
        FUND = "fund", _("Fund")
        COMMIT = "commit", _("Commit")
        REDEEM = "redeem", _("Redeem")
        # A correction that lowers a subsidy already redeemed: reserve <- redeemed.
        TAKE_BACK = "take_back", _("Take back")
        RELEASE = "release", _("Release")
        PAY = "pay", _("Pay")
        # A finding on money already paid: paid(payee) -> receivable(payee).
        CLAWBACK = "clawback", _("Claw back")
        # A receivable recovered, back to the budget: receivable -> available, by offset
        # against the payee's next statement or claim, or by a repayment.
        OFFSET = "offset", _("Offset")
        REPAY = "repay", _("Repayment")
        # A receivable given up: receivable -> written_off.
        WRITE_OFF = "write_off", _("Write-off")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    debit = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="debits")
    credit = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="credits")
    amount = MoneyField()
    voucher = models.ForeignKey(
        "vouchers.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    reference = models.CharField(max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Related-object access uses the base manager: keep it the guarded one too.
        base_manager_name = "objects"
        verbose_name = verbose_name_plural = "分录 / ledger entry"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="entry_amount_positive"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="entry_two_accounts"),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount} {self.debit} -> {self.credit}"


class CapUsage(models.Model):
    """An entity's use of its annual cap in one programme: approved, not yet released."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cap_usages")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="cap_usages")
    limit = MoneyField()
    used = MoneyField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "年度额度 / annual cap usage"
        constraints = [
            models.UniqueConstraint(fields=["programme", "entity"], name="cap_usage_unique"),
            models.CheckConstraint(
                condition=Q(used__gte=0, used__lte=F("limit")), name="cap_used_within_limit"
            ),
        ]

    def __str__(self):
        return f"{self.entity} · {self.programme.code}: {self.used}/{self.limit}"
