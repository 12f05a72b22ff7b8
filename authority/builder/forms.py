"""The programme's terms, its rate tiers (rows) and its funding sources (rows).

Forms parse and show errors; vouchers.services.programmes decides. Money fields take
yuan with at most two places, a share takes `50`, `50%` or `0.5`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Provider
from authority.builder.fields import CheckboxList, PercentField
from authority.builder.rule_forms import LabelledChoices
from vouchers.models import Programme
from vouchers.rules.schema import ENTITY_KINDS
from web.forms import DateInput

TERMS = (
    "code", "name_zh", "name_en", "region_code", "region_name", "year", "total_budget",
    "applications_open", "applications_close", "voucher_validity_months",
    "public_notice_days", "min_award", "annual_cap", "claim_share_cap", "settlement_mode",
    "settlement_period", "voucher_kinds", "providers", "objection_email",
)  # fmt: skip


class ProgrammeForm(forms.ModelForm):
    claim_share_cap = PercentField(label=_("Share of a contract at most"), required=False)
    voucher_kinds = forms.MultipleChoiceField(
        label=_("Voucher kinds"),
        choices=Programme.VoucherKind.choices,
        widget=CheckboxList(),
    )
    providers = forms.ModelMultipleChoiceField(
        label=_("Designated providers"),
        queryset=Provider.objects.real().order_by("name"),
        required=False,
        widget=CheckboxList(),
    )

    class Meta:
        model = Programme
        fields = TERMS
        labels = {
            "code": _("Code"),
            "name_zh": _("Name (Chinese)"),
            "name_en": _("Name (English)"),
            "region_code": _("Region code"),
            "region_name": _("Region"),
            "year": _("Year"),
            "total_budget": _("Total budget (yuan)"),
            "applications_open": _("Applications open"),
            "applications_close": _("Applications close"),
            "voucher_validity_months": _("Voucher validity (months)"),
            "public_notice_days": _("Public notice (days)"),
            "min_award": _("Minimum award (yuan)"),
            "annual_cap": _("Annual cap per entity (yuan)"),
            "settlement_mode": _("Settlement mode"),
            "settlement_period": _("Settlement period"),
            "objection_email": _("Objection e-mail"),
        }
        widgets = {"applications_open": DateInput(), "applications_close": DateInput()}

    def _post_clean(self):
        """The model's own checks (budget, window, caps) run in the service, which
        reports each next to its field in the reader's language; here only the form's."""


YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


class TierForm(forms.Form):
    """One rate tier: the share, and the facts it is for (blank: every application)."""

    rate = PercentField(label=_("Rate"))
    accelerator_origin = forms.ChoiceField(
        label=_("Accelerators"),
        required=False,
        choices=[("", _("Any")), ("domestic", _("Domestic")), ("foreign", _("Foreign"))],
    )
    is_startup = forms.ChoiceField(label=_("Start-up"), required=False, choices=YES_NO)
    project_class = forms.ChoiceField(
        label=_("Project class"),
        required=False,
        choices=[("", _("Any")), ("normal", _("Normal")), ("major", _("Major"))],
    )
    filed_model_service = forms.ChoiceField(
        label=_("Filed model service"), required=False, choices=YES_NO
    )
    entity_kind = forms.ChoiceField(
        label=_("Applicant type"),
        required=False,
        choices=[("", _("Any")), *LabelledChoices(ENTITY_KINDS)],
    )
    label_zh = forms.CharField(label=_("Label (Chinese)"), required=False, max_length=60)
    label_en = forms.CharField(label=_("Label (English)"), required=False, max_length=60)

    CONDITIONS = (
        "accelerator_origin",
        "is_startup",
        "project_class",
        "filed_model_service",
        "entity_kind",
    )
    FLAGS = ("is_startup", "filed_model_service")

    def to_tier(self) -> dict:
        data = self.cleaned_data
        when = {}
        for name in self.CONDITIONS:
            value = data.get(name)
            if value:
                when[name] = value == "yes" if name in self.FLAGS else value
        tier = {"rate": str(data["rate"]), "when": when}
        for name in ("label_zh", "label_en"):
            if data.get(name):
                tier[name] = data[name]
        return tier

    @classmethod
    def initial_from(cls, tier: dict) -> dict:
        when = {
            name: ("yes" if value else "no") if name in cls.FLAGS else value
            for name, value in tier["when"].items()
        }
        labels = {k: tier[k] for k in ("label_zh", "label_en") if k in tier}
        return {"rate": tier["rate"], **when, **labels}


class FundingForm(forms.Form):
    name_zh = forms.CharField(label=_("Source (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Source (English)"), max_length=100, required=False)
    weight = forms.DecimalField(label=_("Weight"), max_digits=8, decimal_places=4)

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight <= 0:
            raise forms.ValidationError(_("A weight must be above zero."))
        return weight


TierFormSet = forms.formset_factory(
    TierForm, extra=1, can_delete=True, min_num=1, validate_min=True
)
FundingFormSet = forms.formset_factory(FundingForm, extra=1, can_delete=True)
