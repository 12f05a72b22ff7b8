"""Who is who: users, the three kinds of organisation, and memberships with roles.

An authority (a government office) runs programmes; an entity (enterprise, institute,
university) applies; a provider (a compute centre) sells compute and reports usage.
A user acts for an organisation only through a `Membership` that names a role.
"""

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import industries
from accounts.personal import PartyProfile
from accounts.validators import (
    normalise_credit_code,
    validate_credit_code,
    validate_name,
    validate_region_code,
)
from config.errors import bilingual


class User(AbstractUser):
    display_name = models.CharField("姓名 / name", max_length=100, blank=True)

    def __str__(self):
        return self.display_name or self.username


class Authority(models.Model):
    name_zh = models.CharField("名称 / name (zh)", max_length=200)
    name_en = models.CharField("name (en)", max_length=200, blank=True)
    region_code = models.CharField(
        "行政区划代码 / region code", max_length=6, validators=[validate_region_code]
    )
    region_name = models.CharField("地区 / region", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "主管部门 / authority"
        ordering = ["pk"]

    def __str__(self):
        return self.name_zh


class CreditCodeField(models.CharField):
    """18-character 统一社会信用代码, stored compact and validated by its check digit."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("validators", [validate_credit_code])
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_credit_code(value) if value else value


class Organisation(models.Model):
    """Fields shared by applicants and providers: identity and ownership links."""

    name = models.CharField("名称 / name", max_length=200, validators=[validate_name])
    credit_code = CreditCodeField("统一社会信用代码 / credit code", unique=True)
    legal_representative = models.CharField(
        "法定代表人 / legal representative", max_length=100, validators=[validate_name]
    )
    shareholders = models.JSONField(
        "股东 / shareholders", default=list, blank=True, help_text="names or credit codes"
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class Entity(Organisation):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        RESEARCH_INSTITUTE = "research_institute", _("Research institute")
        UNIVERSITY = "university", _("University")

    class Verification(models.TextChoices):
        PROVISIONAL = "provisional", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused")

    kind = models.CharField("类型 / kind", max_length=24, choices=Kind.choices)
    related_parties = models.JSONField(
        "关联方 / related parties", default=list, blank=True, help_text="declared credit codes"
    )
    # An entity that registers itself in the company portal is provisional until an
    # officer of an authority it applies to checks its business licence; one registered
    # by an operator (and every entity from before this field) counts as verified.
    verification = models.CharField(
        "核验 / verification",
        max_length=12,
        choices=Verification.choices,
        default=Verification.VERIFIED,
    )
    business_licence = models.FileField(
        "营业执照 / business licence", upload_to="licences/%Y/", blank=True
    )
    verified_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField("核验时间 / verified at", null=True, blank=True)
    verification_note = models.TextField("核验意见 / verification note", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报主体 / applicant entity"
        ordering = ["pk"]

    def current_declaration(self):
        return self.declarations.order_by("-declared_on", "-pk").first()


class RevenueField(models.DecimalField):
    """Yuan, never a float: a float has lost the exact figure before we see it. (Money
    columns in `vouchers` use its MoneyField; accounts keeps this one so that it does
    not depend on the vouchers app.)"""

    def to_python(self, value):
        if isinstance(value, float | bool):
            raise ValidationError(
                bilingual(
                    "营业收入不能是浮点数，请输入精确的元和分", "revenue must not be a float"
                ),
                code="float_money",
            )
        return super().to_python(value)


# What an entity declares about itself, in the order forms show it.
DECLARED_FIELDS = (
    "declared_on",
    "fiscal_year",
    "registered_region",
    "industry",
    "employees",
    "prior_year_revenue",
    "is_startup",
)


# The revenue declared is a closed year's: before the year of the declaration (the
# current year's accounts are not closed), and not before 1949, a floor that catches a
# mistyped year (no entity keeps accounts that old under a unified social credit code).
FIRST_FISCAL_YEAR = 1949


class EntityDeclaration(PartyProfile):
    """A dated declaration of the entity's profile. Kept as history: never edited, only
    superseded, so an application can point at exactly what it was judged on."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="declarations")
    declared_on = models.DateField("申报日期 / declared on")
    fiscal_year = models.PositiveSmallIntegerField("收入所属年度 / revenue year")
    registered_region = models.CharField(
        "注册地 / registered region", max_length=6, validators=[validate_region_code]
    )
    # GB/T 4754-2017: a section (A-T) or, better, a two-digit division (01-97).
    industry = models.CharField("行业 / industry", max_length=40, choices=industries.CHOICES)
    employees = models.PositiveIntegerField("从业人员 / employees")
    prior_year_revenue = RevenueField(
        "上年度营业收入 / prior-year revenue (yuan)",
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    is_startup = models.BooleanField("初创企业 / start-up", default=False)
    legal_representative = models.CharField(
        "法定代表人 / legal representative", max_length=100, blank=True
    )
    evidence = models.FileField("证明材料 / evidence", upload_to="evidence/%Y/", blank=True)
    declared_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "主体申报信息 / entity declaration"
        ordering = ["-declared_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(prior_year_revenue__gte=0), name="declaration_revenue_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.entity} @ {self.declared_on}"

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        # The current declaration is the latest one: one dated ahead would stay current,
        # whatever was declared after it, until its date had come and gone.
        today = timezone.localdate()
        if self.declared_on and self.declared_on > today:
            errors["declared_on"] = bilingual(
                f"申报日期不能晚于今天（{today}）",
                f"a declaration cannot be dated after today ({today})",
            )
        declared = self.declared_on if isinstance(self.declared_on, date) else today
        last_year = min(declared, today).year - 1
        year = self.fiscal_year
        if isinstance(year, int) and not FIRST_FISCAL_YEAR <= year <= last_year:
            errors["fiscal_year"] = bilingual(
                f"收入所属年度须在 {FIRST_FISCAL_YEAR} 至 {last_year} 年之间",
                f"the revenue year must be between {FIRST_FISCAL_YEAR} and {last_year}",
            )
        if errors:
            raise ValidationError(errors)


class ProviderQuerySet(models.QuerySet):
    def real(self):
        """Providers that sell compute, without the sandboxes their test keys act on."""
        return self.filter(sandbox_of=None)


class Provider(PartyProfile, Organisation):
    region_code = models.CharField(
        "行政区划代码 / region code", max_length=6, validators=[validate_region_code]
    )
    is_active = models.BooleanField("启用 / active", default=True)
    # How operators and the API contract name a provider (`create_provider_key <slug>`):
    # ASCII, unique; the lower-cased credit code unless a readable one is given.
    slug = models.SlugField("标识 / slug", max_length=50, unique=True, blank=True)
    # A provider's sandbox (api/services/sandbox.py) is a provider row of its own, so every
    # tenant boundary between providers (vouchers, contracts, records, statements, keys'
    # idempotency) also stands between the sandbox and the real provider's money.
    sandbox_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sandbox",
        verbose_name="沙箱所属服务商 / sandbox of",
    )

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "算力服务商 / compute provider"
        ordering = ["pk"]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slug_from_credit_code(self.credit_code)
        super().save(*args, **kwargs)


def slug_from_credit_code(credit_code: str) -> str:
    return credit_code.lower()


class Membership(models.Model):
    class Role(models.TextChoices):
        PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
        REVIEWER = "reviewer", _("Reviewer")
        FINANCE_OFFICER = "finance_officer", _("Finance officer")
        ENTITY_STAFF = "entity_staff", _("Entity staff")
        PROVIDER_STAFF = "provider_staff", _("Provider staff")

    AUTHORITY_ROLES = (Role.PROGRAMME_MANAGER, Role.REVIEWER, Role.FINANCE_OFFICER)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色 / role", max_length=24, choices=Role.choices)
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, null=True, blank=True)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, null=True, blank=True)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "成员角色 / membership"
        constraints = [
            # Each role belongs to exactly one kind of organisation.
            models.CheckConstraint(
                name="membership_role_matches_organisation",
                condition=(
                    Q(
                        role__in=["programme_manager", "reviewer", "finance_officer"],
                        authority__isnull=False,
                        entity__isnull=True,
                        provider__isnull=True,
                    )
                    | Q(
                        role="entity_staff",
                        authority__isnull=True,
                        entity__isnull=False,
                        provider__isnull=True,
                    )
                    | Q(
                        role="provider_staff",
                        authority__isnull=True,
                        entity__isnull=True,
                        provider__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    @property
    def organisation(self):
        return self.authority or self.entity or self.provider
