from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from accounts.models import Entity, Provider
from vouchers.models.applications import Application
from vouchers.models.contracts import Contract
from vouchers.models.fields import HALF_FEN, MoneyField, RateField
from vouchers.models.programmes import Programme


class Voucher(models.Model):
    """An issued voucher, bound to one entity, programme, provider and contract.

    `redeemed` and `released` mirror the ledger (the reserve account holds
    face_value - redeemed - released); the check constraints hold the invariant even if a
    service had a bug.
    """

    class Status(models.TextChoices):
        PUBLIC_NOTICE = "public_notice", _("In public notice")
        ACTIVE = "active", _("Active")
        EXHAUSTED = "exhausted", _("Exhausted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    code = models.CharField("券码 / code", max_length=17, unique=True)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="voucher"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="vouchers")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="vouchers")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="vouchers")
    # One voucher per contract, whatever the programme: a contract is subsidised once.
    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="voucher")
    kind = models.CharField("券种 / kind", max_length=20, choices=Programme.VoucherKind.choices)
    rate = RateField("补贴比例 / rate")
    face_value = MoneyField("面值 / face value")
    redeemed = MoneyField("已核销 / redeemed", default=0)
    released = MoneyField("已释放 / released", default=0)
    status = FSMField(default=Status.ACTIVE, choices=Status.choices)
    issued_at = models.DateTimeField("发放时间 / issued at")
    notice_ends_on = models.DateField("公示截止 / notice ends on", null=True, blank=True)
    valid_from = models.DateField("生效日期 / valid from")
    expires_on = models.DateField("到期日期 / expires on")

    class Meta:
        verbose_name = verbose_name_plural = "算力券 / voucher"
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(face_value__gt=0), name="voucher_face_positive"),
            models.CheckConstraint(
                condition=Q(redeemed__gte=0, released__gte=0), name="voucher_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(face_value__gte=F("redeemed") + F("released") - HALF_FEN),
                name="voucher_redeemed_within_face_value",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("valid_from")), name="voucher_validity_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self):
        return self.code

    @property
    def remaining(self):
        return self.face_value - self.redeemed - self.released

    @transition(field=status, source=Status.PUBLIC_NOTICE, target=Status.ACTIVE)
    def activate(self):
        pass

    @transition(field=status, source=Status.ACTIVE, target=Status.EXHAUSTED)
    def exhaust(self):
        pass

    @transition(field=status, source=[Status.PUBLIC_NOTICE, Status.ACTIVE], target=Status.EXPIRED)
    def expire(self):
        pass

    @transition(field=status, source=[Status.PUBLIC_NOTICE, Status.ACTIVE], target=Status.REVOKED)
    def revoke(self):
        pass
