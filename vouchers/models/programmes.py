from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from accounts.models import Authority, Provider
from config.errors import bilingual
from vouchers.models.fields import MoneyField, RateField, non_negative_money, positive_money


class ProgrammeQuerySet(models.QuerySet):
    def real(self):
        """Programmes of real money: without providers' sandboxes (api/services/sandbox.py).
        Dashboards, exports, catalogues and the public board list only these."""
        return self.filter(is_sandbox=False)


class Programme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class SettlementMode(models.TextChoices):
        PROVIDER_DEDUCTS = "provider_deducts", _("Provider deducts")
        REIMBURSE = "reimburse", _("Reimburse")

    class SettlementPeriod(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    class VoucherKind(models.TextChoices):
        CASH_COMPUTE = "cash_compute", _("Cash voucher for compute")
        CASH_DATA = "cash_data", _("Cash voucher for data products")
        IN_KIND = "in_kind", _("In-kind voucher")

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="programmes")
    code = models.SlugField("编号 / code", unique=True)
    name_zh = models.CharField("名称 / name (zh)", max_length=200)
    name_en = models.CharField("name (en)", max_length=200)
    region_code = models.CharField("行政区划代码 / region code", max_length=6)
    region_name = models.CharField("地区 / region", max_length=100)
    year = models.PositiveSmallIntegerField("年度 / year")
    total_budget = MoneyField("总预算 / total budget (yuan)", validators=[positive_money])
    applications_open = models.DateField("申报开始 / applications open")
    applications_close = models.DateField("申报截止 / applications close")
    voucher_validity_months = models.PositiveSmallIntegerField(
        "券有效期(月) / validity (months)", validators=[MinValueValidator(1)]
    )
    public_notice_days = models.PositiveSmallIntegerField(
        "公示天数 / public notice (days)", default=0
    )
    min_award = MoneyField(
        "最低补贴 / minimum award", null=True, blank=True, validators=[non_negative_money]
    )
    # An approval above this amount needs a second, different reviewer before the voucher
    # issues (vouchers/services/second_review.py); none: one reviewer decides.
    second_review_above = MoneyField(
        "复核门槛 / second review above",
        null=True,
        blank=True,
        validators=[non_negative_money],
    )
    # A declared revenue up by more than this percentage over the entity's previous
    # declaration is a warning for the reviewer (authority/warnings.py), not a refusal.
    revenue_jump_percent = models.DecimalField(
        "营业收入增幅预警 / revenue jump warning (%)",
        max_digits=7,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(0)],
    )
    annual_cap = MoneyField(
        "单位年度上限 / per-entity annual cap", null=True, blank=True, validators=[positive_money]
    )
    claim_share_cap = RateField("单笔补贴比例上限 / per-claim share cap", null=True, blank=True)
    settlement_mode = models.CharField(
        "结算方式 / settlement mode", max_length=20, choices=SettlementMode.choices
    )
    settlement_period = models.CharField(
        "结算周期 / settlement period",
        max_length=12,
        choices=SettlementPeriod.choices,
        default=SettlementPeriod.MONTHLY,
    )
    voucher_kinds = models.JSONField("券种 / voucher kinds", default=list)
    providers = models.ManyToManyField(
        Provider, related_name="programmes", verbose_name="指定服务商 / designated providers"
    )
    status = FSMField(default=Status.DRAFT, choices=Status.choices)
    # Published on the public notice board: where anyone may object to an award in notice.
    objection_email = models.EmailField("异议受理邮箱 / objection e-mail", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A provider's sandbox programme: fake vouchers of its sandbox provider, for test keys
    # only; its vouchers belong to sandbox providers and no other (database trigger,
    # migration 0021), and its money is never in a real figure (`objects.real()`).
    is_sandbox = models.BooleanField("沙箱 / sandbox", default=False, editable=False)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "算力券项目 / programme"
        ordering = ["-year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_budget__gt=0), name="programme_budget_positive"
            ),
            models.CheckConstraint(
                condition=Q(applications_close__gte=F("applications_open")),
                name="programme_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(voucher_validity_months__gte=1), name="programme_validity_positive"
            ),
            models.CheckConstraint(
                condition=Q(min_award__isnull=True) | Q(min_award__gte=0),
                name="programme_min_award_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(annual_cap__isnull=True) | Q(annual_cap__gt=0),
                name="programme_cap_positive",
            ),
            models.CheckConstraint(
                condition=Q(min_award__isnull=True)
                | Q(annual_cap__isnull=True)
                | Q(min_award__lte=F("annual_cap")),
                name="programme_min_award_within_cap",
            ),
            models.CheckConstraint(
                condition=Q(min_award__isnull=True) | Q(min_award__lte=F("total_budget")),
                name="programme_min_award_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(claim_share_cap__isnull=True)
                | Q(claim_share_cap__gt=0, claim_share_cap__lte=1),
                name="programme_share_cap_in_range",
            ),
        ]

    def __str__(self):
        return self.name_zh

    def clean(self):
        """Terms that contradict each other, all reported at once. A field that failed its
        own validation still holds what was typed (maybe text), so compare only values
        of the right type."""
        errors = {}
        opens, closes = self.applications_open, self.applications_close
        if isinstance(opens, date) and isinstance(closes, date) and closes < opens:
            errors["applications_close"] = bilingual(
                "申报截止日期早于开始日期", "applications close before they open"
            )
        floor, cap = self.min_award, self.annual_cap
        if isinstance(floor, Decimal) and isinstance(cap, Decimal) and floor > cap:
            errors["min_award"] = bilingual(
                f"最低补贴不能高于单位年度上限 {cap} 元，否则无法发放任何补贴",
                f"the minimum award may not be above the annual cap of {cap} yuan: "
                "nothing could ever be awarded",
            )
        budget = self.total_budget
        if isinstance(floor, Decimal) and isinstance(budget, Decimal) and floor > budget:
            errors.setdefault(
                "min_award",
                bilingual(
                    f"最低补贴不能高于项目总预算 {budget} 元，否则无法发放任何补贴",
                    f"the minimum award may not be above the whole budget of {budget} yuan: "
                    "nothing could ever be awarded",
                ),
            )
        share = self.claim_share_cap
        if isinstance(share, Decimal) and not (0 < share <= 1):
            errors["claim_share_cap"] = bilingual(
                "比例须大于 0 且不超过 1", "the share must be above 0 and at most 1"
            )
        if errors:
            raise ValidationError(errors)

    @transition(field=status, source=Status.DRAFT, target=Status.PUBLISHED)
    def publish(self):
        """Opens the programme; the service funds its ledger in the same transaction."""

    @transition(field=status, source=Status.PUBLISHED, target=Status.CLOSED)
    def close(self):
        """No new applications; vouchers already issued run to their expiry."""

    def current_ruleset(self):
        return self.rulesets.order_by("-version").first()


class FundingSource(models.Model):
    """Who pays for the budget, by weight (e.g. province : city = 1 : 1)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="funding_sources"
    )
    name_zh = models.CharField("资金来源 / source (zh)", max_length=100)
    name_en = models.CharField("source (en)", max_length=100, blank=True)
    weight = models.DecimalField(
        "份额 / share",
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )

    class Meta:
        verbose_name = verbose_name_plural = "资金来源 / funding source"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="funding_weight_positive"),
        ]

    def __str__(self):
        return f"{self.name_zh} ({self.weight})"


class RuleSet(models.Model):
    """One immutable version of a programme's eligibility rules and rate tiers.

    Editing rules adds a version; applications point at the version they were filed under.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="rulesets")
    version = models.PositiveIntegerField("版本 / version")
    document = models.JSONField("规则 / rules")
    note = models.CharField("修订说明 / note", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则版本 / rule set"
        ordering = ["programme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="ruleset_version_unique"),
        ]

    def __str__(self):
        return f"{self.programme.code} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("a rule set version is immutable; add a new version")
        super().save(*args, **kwargs)
