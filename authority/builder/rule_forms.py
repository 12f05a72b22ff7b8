"""One small form per rule kind of the engine (vouchers/rules/kinds.py): a box to turn
the rule on, then its parameters. Each form turns itself into the rule's object of the
rule-set document and back, so a saved programme reopens exactly as it was built.

Labels are English msgids translated in locale/; a parameter the engine needs is
required only when its rule is on."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import industries
from authority.builder.fields import CheckboxList, CodeListField
from vouchers.models.fields import MoneyFormField
from vouchers.rules.schema import ENTITY_KINDS, PARAMS
from vouchers.rules.wording import label
from web.forms import DateInput


class LabelledChoices:
    """Choices labelled in the reader's language, from the engine's own wording."""

    def __init__(self, values):
        self.values = values

    def __iter__(self):
        from company.errors import pick

        return iter((value, pick(*label(value))) for value in self.values)


def _checkboxes(values, text):
    return forms.MultipleChoiceField(
        label=text,
        required=False,
        choices=LabelledChoices(values),
        widget=CheckboxList(),
    )


class RuleForm(forms.Form):
    """The kind's box and parameters; `params` names the fields that go into the rule."""

    kind = ""
    title = ""
    params: tuple[str, ...] = ()
    enabled = forms.BooleanField(label=_("Apply this rule"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("enabled"):
            for name in self.required_params():
                if data.get(name) in (None, "", []) and name not in self.errors:
                    self.add_error(name, forms.Field.default_error_messages["required"])
        return data

    def required_params(self) -> tuple[str, ...]:
        return tuple(PARAMS[self.kind].get("required", ()))

    def to_rule(self) -> dict | None:
        """The rule's object, or None when the rule is off."""
        data = self.cleaned_data
        if not data.get("enabled"):
            return None
        values = {name: self.param_value(name, data.get(name)) for name in self.params}
        return {"kind": self.kind, **{k: v for k, v in values.items() if v not in (None, "")}}

    def param_value(self, name, value):
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    @classmethod
    def initial_from(cls, rule: dict | None) -> dict:
        if rule is None:
            return {"enabled": False}
        return {"enabled": True, **{k: v for k, v in rule.items() if k != "kind"}}


class RevenueFloorForm(RuleForm):
    kind, title, params = "revenue_floor", _("Revenue floor"), ("min_revenue",)
    min_revenue = MoneyFormField(
        label=_("Prior-year revenue at least (yuan)"), required=False, min_value=0
    )

    def param_value(self, name, value):
        return None if value is None else str(value)


class EntityKindsForm(RuleForm):
    kind, title, params = "entity_kinds", _("Who may apply"), ("allowed",)
    allowed = _checkboxes(ENTITY_KINDS, _("Applicant types"))


class RegisteredRegionForm(RuleForm):
    kind, title, params = "registered_region", _("Registered region"), ("scope", "regions")
    scope = forms.ChoiceField(
        label=_("Where the applicant is registered"),
        choices=[("any", _("Anywhere")), ("local", _("Within these regions"))],
        required=False,
    )
    regions = CodeListField(
        label=_("Region codes (GB/T 2260, e.g. 510100)"), required=False, pattern=r"^\d{2,6}$"
    )

    def clean(self):
        data = super().clean()
        if data.get("enabled") and data.get("scope") == "local" and not data.get("regions"):
            self.add_error("regions", forms.Field.default_error_messages["required"])
        if data.get("scope") == "any":
            data["regions"] = []
        return data

    def param_value(self, name, value):
        return value or None


class SizeClassForm(RuleForm):
    kind, title, params = "size_class", _("Company size"), ("allowed",)
    allowed = _checkboxes(["large", "medium", "small", "micro"], _("Sizes allowed"))


class StartupForm(RuleForm):
    kind, title = "startup", _("Start-ups only")


class IndustriesForm(RuleForm):
    kind, title, params = "industries", _("Industries"), ("allowed",)
    allowed = CodeListField(
        label=_("Industry codes (GB/T 4754, e.g. 65, C)"),
        required=False,
        allowed=set(industries.CODES),
    )


class DesignatedProviderForm(RuleForm):
    kind, title = "designated_provider", _("Designated providers only")


class NotRelatedPartyForm(RuleForm):
    kind, title = "not_related_party", _("Provider not a related party")


class ContractWindowForm(RuleForm):
    kind, title = "contract_window", _("Contract dates")
    params = ("signed_from", "signed_to", "max_term_months")
    signed_from = forms.DateField(label=_("Signed on or after"), required=False, widget=DateInput())
    signed_to = forms.DateField(label=_("Signed on or before"), required=False, widget=DateInput())
    max_term_months = forms.IntegerField(
        label=_("Longest term (months)"), required=False, min_value=1
    )

    def clean(self):
        data = super().clean()
        bounds = any(data.get(name) for name in self.params)
        if data.get("enabled") and not bounds and not self.errors:
            self.add_error("max_term_months", _("Give at least one date or a longest term."))
        start, end = data.get("signed_from"), data.get("signed_to")
        if start and end and start > end:
            self.add_error("signed_to", _("The last signing date is before the first."))
        return data


class OneSubsidyForm(RuleForm):
    kind, title = "one_subsidy_per_contract", _("One subsidy per contract")


class NoDishonestyForm(RuleForm):
    kind, title, params = "no_dishonesty", _("No dishonesty record"), ("years",)
    years = forms.IntegerField(label=_("Years looked back"), required=False, min_value=0)


class PurposesForm(RuleForm):
    kind, title, params = "purposes", _("Compute purposes"), ("allowed",)
    allowed = _checkboxes(["model_training", "model_inference", "other"], _("Purposes allowed"))


class ServiceCategoriesForm(RuleForm):
    kind, title, params = "service_categories", _("Service categories"), ("allowed",)
    allowed = _checkboxes(
        ["compute_service", "data_product", "specialty_goods"], _("Categories allowed")
    )


class ContractPaidForm(RuleForm):
    kind, title = "contract_paid", _("Contract paid in full")


RULE_FORMS: dict[str, type[RuleForm]] = {
    form.kind: form
    for form in (
        EntityKindsForm,
        RegisteredRegionForm,
        RevenueFloorForm,
        SizeClassForm,
        StartupForm,
        IndustriesForm,
        DesignatedProviderForm,
        NotRelatedPartyForm,
        ContractWindowForm,
        OneSubsidyForm,
        NoDishonestyForm,
        PurposesForm,
        ServiceCategoriesForm,
        ContractPaidForm,
    )
}
