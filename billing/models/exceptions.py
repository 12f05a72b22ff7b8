from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from billing.models.usage import UsageRecord


class ReconciliationException(models.Model):
    """A usage record that did not fit its contract or voucher, waiting for a reviewer."""

    class Reason(models.TextChoices):
        UNKNOWN_CONTRACT = "unknown_contract", _("Unknown contract")
        NO_VOUCHER = "no_voucher", _("The contract has no voucher")
        DISPUTED_CONTRACT = "disputed_contract", _("Disputed contract")
        OUTSIDE_CONTRACT_PERIOD = (
            "outside_contract_period",
            "不在合同服务期内 / outside the contract period",
        )
        OUTSIDE_VOUCHER_VALIDITY = (
            "outside_voucher_validity",
            "不在券有效期内 / outside the voucher's validity",
        )
        VOUCHER_EXPIRED = "voucher_expired", _("Voucher expired")
        VOUCHER_REVOKED = "voucher_revoked", _("Voucher revoked")
        VOUCHER_NOT_ACTIVE = "voucher_not_active", _("Voucher not active yet")
        CONTRACT_VALUE_EXCEEDED = (
            "contract_value_exceeded",
            "超出合同金额 / contract value exceeded",
        )
        UNIT_PRICE_OUTLIER = (
            "unit_price_outlier",
            "单价远高于该服务商常用价格 / unit price far above the provider's usual price",
        )
        UNKNOWN_ORIGINAL = (
            "unknown_original",
            "更正的原记录不存在或未核销 / the corrected record is unknown or not redeemed",
        )
        CORRECTION_BELOW_ZERO = (
            "correction_below_zero",
            "更正后的计费金额小于零 / the correction would bill less than nothing",
        )
        CLAWBACK_NEEDED = (
            "clawback_needed",
            "更正须退回的补贴超过服务商已核销账户余额，需向服务商追回"
            " / the correction takes back more than the provider's redeemed account holds:"
            " a claw-back from the provider is needed",
        )

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("exception status", "Open")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        # A correction's original arrived after it: the record went back to pending and
        # the next reconcile applied it after its original (billing/corrections.py).
        SUPERSEDED = "superseded", _("Superseded: its original arrived")

    # No database foreign key: the record's month may be detached (billing/partitions.py).
    record = models.OneToOneField(
        UsageRecord, on_delete=models.PROTECT, related_name="exception_case", db_constraint=False
    )
    reason = models.CharField(max_length=40, choices=Reason.choices)
    status = FSMField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "对账异常 / reconciliation exception"
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "reason"])]

    def __str__(self):
        return f"{self.record} {self.reason} {self.status}"

    @transition(field=status, source=Status.OPEN, target=Status.ACCEPTED)
    def accept(self):
        pass

    @transition(field=status, source=Status.OPEN, target=Status.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=Status.OPEN, target=Status.SUPERSEDED)
    def supersede(self):
        pass
