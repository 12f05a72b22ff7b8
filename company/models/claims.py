from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from accounts.models import Entity
from vouchers.models import Voucher
from vouchers.models.fields import MoneyField, positive_money


class Claim(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified")
        # Sent back to the company with a written request (decision_note).
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="claims")
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="claims")
    invoice_number = models.CharField("发票号码 / invoice number", max_length=40)
    # The number as one key (same normalisation as contract numbers): what uniqueness uses.
    invoice_key = models.CharField(max_length=80, editable=False)
    invoice_date = models.DateField("开票日期 / invoice date")
    invoice_amount = MoneyField("发票金额 / invoice amount", validators=[positive_money])
    amount = MoneyField("申请金额 / amount claimed", validators=[positive_money])
    service_start = models.DateField("服务开始 / service from")
    service_end = models.DateField("服务结束 / service to")
    invoice_file = models.FileField("发票文件 / invoice file", upload_to="claims/%Y/")
    delivery_proof = models.FileField("交付证明 / proof of delivery", upload_to="claims/%Y/")
    status = FSMField(
        max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # The reviewer's decision: the amount approved (at most the amount claimed), the
    # request of a return or the reason of a rejection.
    approved_amount = MoneyField("批准金额 / amount approved", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("审核意见 / reviewer's note", blank=True)
    # What the entity owed back (a claw-back receivable) and was offset against this claim
    # when it was approved (recovery/): the payment is approved_amount - offset.
    offset = MoneyField("抵扣追回款 / offset", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "报销申请 / claim"
        ordering = ["-pk"]
        constraints = [
            # An invoice is claimed once on the platform (the brief), whoever files it
            # and in whichever region: the same invoice twice is a double subsidy.
            models.UniqueConstraint(fields=["invoice_key"], name="claim_invoice_unique"),
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount__lte=F("invoice_amount")),
                name="claim_amount_within_invoice",
            ),
            models.CheckConstraint(
                condition=Q(service_end__gte=F("service_start")), name="claim_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | Q(approved_amount__gt=0, approved_amount__lte=F("amount")),
                name="claim_approved_within_claimed",
            ),
        ]

    def __str__(self):
        return f"{self.invoice_number} · {self.amount}"

    # submitted -> verified (checked against the provider's records) -> approved (its
    # amount moved from the voucher's reserve to the entity's payable) -> paid; returned
    # or rejected from either open state. Open claims hold their amount on the voucher;
    # a returned one does not (a resubmission is checked against the voucher again).
    @transition(field=status, source=Status.SUBMITTED, target=Status.VERIFIED)
    def verify(self):
        pass

    @transition(field=status, source=[Status.SUBMITTED, Status.VERIFIED], target=Status.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=[Status.SUBMITTED, Status.VERIFIED], target=Status.RETURNED)
    def return_for_changes(self):
        pass

    @transition(field=status, source=Status.RETURNED, target=Status.SUBMITTED)
    def resubmit(self):
        pass

    @transition(field=status, source=Status.APPROVED, target=Status.PAID)
    def pay(self):
        pass

    @transition(field=status, source=[Status.SUBMITTED, Status.VERIFIED], target=Status.REJECTED)
    def reject(self):
        pass
