"""Programmes, their funding sources and rule versions.

A programme is created by `create_programme` (rule version 1 validated first) and
published by `publish_programme`; a new rule version is added by `revise_rules`.  The
form validates the rule-set JSON with `validate_ruleset`, so a bad document shows its
errors, one per JSON path, on the form.  Once published, the budget and the terms that
applications are judged by are read-only.
"""

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, Subquery

from config.admin_helpers import (
    RequestFormMixin,
    ViewOnlyMixin,
    audit_edit,
    pretty_json,
    require_on_form,
)
from config.errors import bilingual
from vouchers.admin.common import run_each
from vouchers.models import FundingSource, LedgerAccount, Programme, RuleSet
from vouchers.rules import RuleSetInvalid, validate_ruleset
from vouchers.services.programmes import create_programme, publish_programme, revise_rules

RULES_EXAMPLE = {
    "rules": [{"kind": "designated_provider"}],
    "rate_tiers": [{"rate": "0.50", "when": {}}],
}
RULES_HELP = bilingual(
    '规则集 JSON：{"rules": [...], "rate_tiers": [...]}，金额和比例写成字符串',
    'rule-set JSON: {"rules": [...], "rate_tiers": [...]}; amounts and rates as strings',
)

IDENTITY_FIELDS = ("authority", "code", "name_zh", "name_en", "region_code", "region_name", "year")
BUDGET_FIELDS = (
    "total_budget",
    "applications_open",
    "applications_close",
    "voucher_validity_months",
    "public_notice_days",
)
TERMS_FIELDS = (
    "min_award",
    "second_review_above",
    "annual_cap",
    "claim_share_cap",
    "settlement_mode",
    "settlement_period",
    "voucher_kinds",
    "providers",
)

# Fixed once the programme is published: its ledger is funded with the budget, and
# filed applications are judged by these terms.
LOCKED_WHEN_PUBLISHED = (
    "authority",
    "code",
    "year",
    "region_code",
    "total_budget",
    "voucher_validity_months",
    "public_notice_days",
    "min_award",
    "annual_cap",
    "claim_share_cap",
    "settlement_mode",
    "voucher_kinds",
    "providers",
)


def validated_rules(form, field: str):
    """The rule-set document in normal form, or every problem added to `field`."""
    document = form.cleaned_data.get(field)
    try:
        return validate_ruleset(document)
    except RuleSetInvalid as exc:
        form.add_error(
            field, [bilingual(f"{path} {zh}", f"{path} {en}") for path, zh, en in exc.errors]
        )
        return None


class ProgrammeForm(forms.ModelForm):
    voucher_kinds = forms.MultipleChoiceField(
        label="券种 / voucher kinds",
        choices=Programme.VoucherKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Programme
        fields = (*IDENTITY_FIELDS, *BUDGET_FIELDS, *TERMS_FIELDS)

    def check_permission(self):
        authority = self.cleaned_data.get("authority") or getattr(self.instance, "authority", None)
        if authority is not None:
            require_on_form(self, "vouchers.manage_programme", Programme(authority=authority))


class ProgrammeAddForm(ProgrammeForm):
    rules = forms.JSONField(
        label="规则 / rules (v1)",
        initial=RULES_EXAMPLE,
        help_text=RULES_HELP,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
    )

    def clean(self):
        data = super().clean()
        self.check_permission()
        if "rules" in data:
            data["rules"] = validated_rules(self, "rules")
        return data


class ProgrammeChangeForm(ProgrammeForm):
    new_rules = forms.JSONField(
        label="新规则版本 / new rule version",
        required=False,
        help_text=bilingual("留空则不修订规则", "leave empty to keep the current rules")
        + "; "
        + RULES_HELP,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 90}),
    )
    new_rules_note = forms.CharField(
        label="修订说明 / revision note", required=False, max_length=200
    )

    def clean(self):
        data = super().clean()
        self.check_permission()
        if data.get("new_rules") not in (None, "", {}):
            data["new_rules"] = validated_rules(self, "new_rules")
        else:
            data["new_rules"] = None
        return data


class FundingSourceInline(admin.TabularInline):
    model = FundingSource
    extra = 0

    def _editable(self, obj):
        return obj is None or obj.status == Programme.Status.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class RuleSetInline(ViewOnlyMixin, admin.TabularInline):
    model = RuleSet
    fields = ("version", "note", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "programme")


@admin.register(Programme)
class ProgrammeAdmin(RequestFormMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name_zh",
        "authority",
        "year",
        "status",
        "total_budget",
        "available_budget",
        "applications_open",
        "applications_close",
        "settlement_mode",
    )
    list_filter = ("status", "year", "settlement_mode", "authority")
    list_select_related = ("authority",)
    search_fields = ("code", "name_zh", "name_en", "region_name", "region_code")
    date_hierarchy = "applications_open"
    autocomplete_fields = ("authority", "providers")
    inlines = (FundingSourceInline, RuleSetInline)
    actions = ("publish",)

    def get_queryset(self, request):
        available = LedgerAccount.objects.filter(
            programme=OuterRef("pk"), kind=LedgerAccount.Kind.AVAILABLE
        )
        return (
            super()
            .get_queryset(request)
            .annotate(available=Subquery(available.values("balance")[:1]))
        )

    @admin.display(description="可用预算 / available budget", ordering="available")
    def available_budget(self, obj):
        return obj.available if obj.available is not None else "-"

    @admin.display(description="当前规则 / current rules")
    def current_rules(self, obj):
        ruleset = obj.current_ruleset()
        return pretty_json({"version": ruleset.version, **ruleset.document}) if ruleset else "-"

    def get_form(self, request, obj=None, **kwargs):
        base = ProgrammeChangeForm if obj else ProgrammeAddForm
        # Django drops declared fields that are read-only only from `self.form`; do the
        # same for the form chosen here (voucher_kinds is declared and may be locked).
        locked = dict.fromkeys(
            f for f in self.get_readonly_fields(request, obj) if f in base.declared_fields
        )
        kwargs["form"] = type(base.__name__, (base,), locked)
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": IDENTITY_FIELDS}),
            ("预算与期限 / budget and dates", {"fields": BUDGET_FIELDS}),
            ("补贴条件 / award terms", {"fields": TERMS_FIELDS}),
        ]
        if obj is None:
            return [*fieldsets, ("规则 / rules", {"fields": ("rules",)})]
        return [
            ("状态 / status", {"fields": ("status", "available_budget", "created_at")}),
            *fieldsets,
            ("规则 / rules", {"fields": ("current_rules", "new_rules", "new_rules_note")}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        fixed = ("status", "available_budget", "created_at", "current_rules")
        return fixed + (LOCKED_WHEN_PUBLISHED if obj.status != Programme.Status.DRAFT else ())

    def has_delete_permission(self, request, obj=None):
        return False  # rule versions, audit events and the ledger point at it

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            audit_edit(request, obj, form, programme=obj)
            return
        fields = {
            f.attname: getattr(obj, f.attname)
            for f in Programme._meta.concrete_fields
            if f.editable and not f.primary_key and f.name != "status"
        }
        created = create_programme(
            by=request.user,
            fields=fields,
            rules=form.cleaned_data["rules"],
            providers=form.cleaned_data["providers"],
        )
        # The admin goes on to save inlines and redirect with this object.
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and form.cleaned_data.get("new_rules"):
            revise_rules(
                programme=form.instance,
                by=request.user,
                rules=form.cleaned_data["new_rules"],
                note=form.cleaned_data.get("new_rules_note", ""),
            )

    @admin.action(description="发布所选项目 / publish the selected programmes")
    def publish(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda p: publish_programme(programme=p, by=request.user),
            done=bilingual("已发布", "published"),
        )


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ("programme", "name_zh", "name_en", "weight")
    list_filter = ("programme",)
    list_select_related = ("programme",)
    search_fields = ("name_zh", "name_en", "programme__code", "programme__name_zh")

    def _editable(self, obj):
        return obj is None or obj.programme.status == Programme.Status.DRAFT

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme":
            # Only a draft's sources may change: a published budget is already in the ledger.
            kwargs["queryset"] = Programme.objects.filter(status=Programme.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RuleSet)
class RuleSetAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("programme", "version", "note", "created_by", "created_at")
    list_filter = ("programme",)
    list_select_related = ("programme", "created_by")
    search_fields = ("programme__code", "programme__name_zh", "note")
    date_hierarchy = "created_at"
    fields = ("programme", "version", "note", "created_by", "created_at", "rules")
    readonly_fields = fields

    @admin.display(description="规则 / rules")
    def rules(self, obj):
        return pretty_json(obj.document)
