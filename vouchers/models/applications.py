from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from accounts.models import Entity, EntityDeclaration
from vouchers.models.contracts import Contract
from vouchers.models.fields import MoneyField, RateField
from vouchers.models.programmes import Programme, RuleSet

# A contract may have at most one application in these states: it is subsidised once.
LIVE_STATES = ("submitted", "returned", "approved")


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="applications")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="applications")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="applications")
    declaration = models.ForeignKey(
        EntityDeclaration, on_delete=models.PROTECT, related_name="applications"
    )
    voucher_kind = models.CharField(
        "券种 / voucher kind", max_length=20, choices=Programme.VoucherKind.choices
    )
    status = FSMField(default=Status.DRAFT, choices=Status.choices)
    evaluation = models.JSONField("规则校验结果 / evaluation", default=dict, blank=True)
    eligible = models.BooleanField("符合条件 / eligible", null=True)
    rate = RateField("补贴比例 / rate", null=True, blank=True)
    entitlement = MoneyField("可获补贴 / entitlement", null=True, blank=True)
    approved_amount = MoneyField("核定金额 / approved amount", null=True, blank=True)
    review_note = models.TextField("审核意见 / review note", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报 / application"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status__in=LIVE_STATES),
                name="one_live_application_per_contract",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | Q(approved_amount__gt=0, approved_amount__lte=F("entitlement")),
                name="approved_within_entitlement",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"]),
            # The review queue's order (authority/views/queue.py): a page of the waiting
            # ones, or of all statuses, walks an index instead of sorting 100,000 rows.
            models.Index(fields=["status", "submitted_at", "id"], name="queue_by_status"),
            models.Index(fields=["submitted_at", "id"], name="queue_all_statuses"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.entity} · {self.programme.code}"

    @transition(field=status, source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED)
    def submit(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.RETURNED)
    def return_for_information(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.REJECTED)
    def reject(self):
        pass

    @transition(
        field=status,
        source=[Status.DRAFT, Status.SUBMITTED, Status.RETURNED],
        target=Status.WITHDRAWN,
    )
    def withdraw(self):
        pass
