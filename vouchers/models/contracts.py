from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Entity, Provider
from config.errors import bilingual
from vouchers.contract_numbers import number_key
from vouchers.models.fields import MoneyField, positive_money


class Contract(models.Model):
    """A compute-service contract between an applicant entity and a provider."""

    class AcceleratorOrigin(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic")
        FOREIGN = "foreign", _("Foreign")

    class ServiceCategory(models.TextChoices):
        COMPUTE_SERVICE = "compute_service", _("Compute service")
        DATA_PRODUCT = "data_product", _("Data product")
        SPECIALTY_GOODS = "specialty_goods", _("Specialty goods")

    class Purpose(models.TextChoices):
        MODEL_TRAINING = "model_training", _("Model training")
        MODEL_INFERENCE = "model_inference", _("Model inference")
        OTHER = "other", _("Other")

    class ProjectClass(models.TextChoices):
        NORMAL = "normal", _("Normal")
        MAJOR = "major", _("Major")

    class ProviderStatus(models.TextChoices):
        DECLARED = "declared", _("Declared")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="contracts")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField("合同编号 / contract number", max_length=64)
    # The number as one key (vouchers/contract_numbers.py), set on every save: what
    # uniqueness and the one-subsidy-per-contract rule compare.
    number_key = models.CharField(max_length=128, editable=False)
    signed_on = models.DateField("签订日期 / signed on")
    service_start = models.DateField("服务开始 / service start")
    service_end = models.DateField("服务结束 / service end")
    value = MoneyField("合同金额 / contract value (yuan)", validators=[positive_money])
    accelerator_origin = models.CharField(
        "算力芯片来源 / accelerator origin", max_length=10, choices=AcceleratorOrigin.choices
    )
    accelerator_hours = models.DecimalField(
        "卡时 / accelerator hours",
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    resources = models.CharField("资源描述 / resources", max_length=300, blank=True)
    service_category = models.CharField(
        "服务类别 / service category",
        max_length=20,
        choices=ServiceCategory.choices,
        default=ServiceCategory.COMPUTE_SERVICE,
    )
    purpose = models.CharField(
        "用途 / purpose", max_length=20, choices=Purpose.choices, default=Purpose.MODEL_TRAINING
    )
    project_class = models.CharField(
        "项目类别 / project class",
        max_length=10,
        choices=ProjectClass.choices,
        default=ProjectClass.NORMAL,
    )
    filed_model_service = models.BooleanField(
        "已备案大模型服务 / filed model service", default=False
    )
    paid_in_full = models.BooleanField("已全额支付 / paid in full", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The provider's answer to what the applicant declared (services/contracts.py
    # answer_contract). A dispute blocks approval; confirmed figures that differ from the
    # declared ones are shown to the reviewer.
    provider_status = models.CharField(
        "服务商确认 / provider answer",
        max_length=10,
        choices=ProviderStatus.choices,
        default=ProviderStatus.DECLARED,
    )
    confirmed_value = MoneyField(
        "服务商确认金额 / confirmed value (yuan)",
        null=True,
        blank=True,
        validators=[positive_money],
    )
    confirmed_start = models.DateField("服务商确认开始 / confirmed start", null=True, blank=True)
    confirmed_end = models.DateField("服务商确认结束 / confirmed end", null=True, blank=True)
    provider_note = models.TextField("服务商说明 / provider note", blank=True)
    answered_at = models.DateTimeField("服务商答复时间 / answered at", null=True, blank=True)
    # What providers synchronise on (GET /api/v1/contracts?updated_since=).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "算力合同 / contract"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "number_key"], name="contract_number_per_provider"
            ),
            models.CheckConstraint(condition=~Q(number_key=""), name="contract_number_not_blank"),
            models.CheckConstraint(condition=Q(value__gt=0), name="contract_value_positive"),
            models.CheckConstraint(
                condition=Q(service_end__gte=F("service_start")), name="contract_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(accelerator_hours__gte=0), name="contract_hours_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.provider})"

    def save(self, *args, **kwargs):
        self.number_key = number_key(self.number)
        super().save(*args, **kwargs)

    def clean(self):
        self.number_key = number_key(self.number)
        number_error = self._number_error()
        if number_error:
            raise ValidationError({"number": number_error})
        if self.service_start and self.service_end and self.service_end < self.service_start:
            raise ValidationError(
                {
                    "service_end": bilingual(
                        "服务结束日期早于开始日期", "service end is before service start"
                    )
                }
            )

    def _number_error(self) -> str | None:
        """Blank, or one this provider already has however it was typed (the key)."""
        if not self.number_key:
            return bilingual("合同编号不能为空", "the contract number is blank")
        if self.provider_id is None:
            return None
        same = Contract.objects.filter(provider_id=self.provider_id, number_key=self.number_key)
        existing = same.exclude(pk=self.pk).first()
        if existing is None:
            return None
        return bilingual(
            f"该服务商已登记同一合同（{existing.number}），大小写、全角或空格不同也视为同一合同",
            f"this provider already has the same contract ({existing.number}); case, "
            "full-width characters and spaces do not make a new one",
        )

    def validate_constraints(self, exclude=None):
        # A number already taken is reported on `number` by clean(); the unique key on
        # (provider, number_key) would say the same again without naming the field.
        if exclude and "number" in exclude:
            exclude = {*exclude, "number_key"}
        super().validate_constraints(exclude)

    @property
    def answer_differs(self) -> bool:
        """The provider confirmed other figures than the applicant declared."""
        if self.provider_status != self.ProviderStatus.CONFIRMED:
            return False
        confirmed = (self.confirmed_value, self.confirmed_start, self.confirmed_end)
        return confirmed != (self.value, self.service_start, self.service_end)
