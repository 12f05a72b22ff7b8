"""Contracts and applications.

Applications are filed by entities (through the portal and API), so the back office
never adds or edits one: it reviews them with actions that call the review services.
The change page shows the evaluation trace, rule by rule.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from config.admin_helpers import (
    EntityStaffForm,
    RequestFormMixin,
    ViewOnlyMixin,
    admin_link,
    audit_edit,
)
from config.errors import bilingual
from vouchers.admin.common import run_each, with_note
from vouchers.models import Application, Contract
from vouchers.services.applications import (
    approve_application,
    reject_application,
    return_application,
)
from vouchers.services.contracts import register_contract

RETURN_NOTE = bilingual("请补充材料", "please add information")

TRACE_TABLE = (
    "<table><thead><tr><th>规则 / rule</th><th>结果 / result</th><th>原因 / reason (zh)</th>"
    "<th>reason (en)</th><th>数据 / figures</th></tr></thead><tbody>{}</tbody></table>"
)
TRACE_ROW = "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"


def _verdict(passed) -> str:
    if passed:
        return mark_safe('<span style="color: #267326">✔ 通过 / pass</span>')
    return mark_safe('<span style="color: #ba2121">✘ 未通过 / fail</span>')


def _figures(figures) -> str:
    return format_html_join(mark_safe("<br>"), "{}: {}", sorted((figures or {}).items())) or "-"


def trace_table(evaluation: dict) -> str:
    """The stored evaluation as a table: rule, pass/fail, reasons in both languages, figures."""
    results = (evaluation or {}).get("results") or []
    if not results:
        return "-"
    rows = format_html_join(
        "",
        TRACE_ROW,
        (
            (
                r.get("kind", ""),
                _verdict(r.get("passed")),
                r.get("reason_zh", ""),
                r.get("reason_en", ""),
                _figures(r.get("figures")),
            )
            for r in results
        ),
    )
    return format_html(TRACE_TABLE, rows)


@admin.register(Application)
class ApplicationAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "entity",
        "programme",
        "contract_number",
        "voucher_kind",
        "status",
        "eligible",
        "entitlement",
        "approved_amount",
        "submitted_at",
    )
    list_filter = ("status", "eligible", "voucher_kind", "programme")
    list_select_related = ("entity", "programme", "contract")
    search_fields = (
        "entity__name",
        "entity__credit_code",
        "contract__number",
        "programme__code",
        "programme__name_zh",
        "voucher__code",
    )
    date_hierarchy = "created_at"
    actions = ("approve", "return_for_information", "reject")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "programme",
                    "ruleset",
                    "entity",
                    "declaration",
                    "contract",
                    "voucher_kind",
                    "status",
                    "created_by",
                    "created_at",
                    "submitted_at",
                )
            },
        ),
        (
            "审核 / review",
            {
                "fields": (
                    "eligible",
                    "rate",
                    "entitlement",
                    "approved_amount",
                    "review_note",
                    "decided_by",
                    "decided_at",
                    "voucher_link",
                    "provider_answer",
                )
            },
        ),
        ("规则校验 / evaluation", {"fields": ("evaluation_trace",)}),
    )
    readonly_fields = ("voucher_link", "evaluation_trace", "provider_answer")

    @admin.display(description="合同编号 / contract number", ordering="contract__number")
    def contract_number(self, obj):
        return obj.contract.number

    @admin.display(description="服务商确认 / provider's answer")
    def provider_answer(self, obj):
        """A dispute, or confirmed figures other than the declared ones, for the reviewer."""
        contract = obj.contract
        answer = contract.get_provider_status_display()
        if contract.provider_status == Contract.ProviderStatus.DISPUTED:
            return f"{answer}: {contract.provider_note}"
        if contract.answer_differs:
            return (
                f"{answer}: {contract.confirmed_value} ({contract.confirmed_start} – "
                f"{contract.confirmed_end}) ≠ {contract.value} ({contract.service_start} – "
                f"{contract.service_end}) {contract.provider_note}"
            )
        return answer

    @admin.display(description="算力券 / voucher")
    def voucher_link(self, obj):
        return admin_link(getattr(obj, "voucher", None))

    @admin.display(description="逐条校验结果 / rule by rule")
    def evaluation_trace(self, obj):
        return trace_table(obj.evaluation)

    @admin.action(description="按可获补贴全额批准 / approve at the full entitlement")
    def approve(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda a: approve_application(application=a, by=request.user),
            done=bilingual("已批准并发券", "approved and voucher issued"),
        )

    @admin.action(description="退回补正 / return for more information")
    def return_for_information(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda a: return_application(application=a, by=request.user, note=RETURN_NOTE),
            done=bilingual("已退回", "returned"),
        )

    @admin.action(description="驳回（须填写理由）/ reject (with a reason)")
    def reject(self, request, queryset):
        return with_note(
            self,
            request,
            queryset,
            action="reject",
            title=bilingual("驳回申请", "reject applications"),
            label=bilingual("驳回理由", "reason for rejection"),
            run=lambda a, note: reject_application(application=a, by=request.user, note=note),
        )


class ContractForm(EntityStaffForm):
    class Meta:
        model = Contract
        fields = (
            "entity",
            "provider",
            "number",
            "signed_on",
            "service_start",
            "service_end",
            "value",
            "accelerator_origin",
            "accelerator_hours",
            "resources",
            "service_category",
            "purpose",
            "project_class",
            "filed_model_service",
            "paid_in_full",
        )


@admin.register(Contract)
class ContractAdmin(RequestFormMixin, admin.ModelAdmin):
    form = ContractForm
    list_display = (
        "number",
        "entity",
        "provider",
        "value",
        "signed_on",
        "service_start",
        "service_end",
        "accelerator_origin",
        "service_category",
        "provider_status",
    )
    list_filter = (
        "provider_status",
        "accelerator_origin",
        "service_category",
        "purpose",
        "project_class",
        "paid_in_full",
    )
    list_select_related = ("entity", "provider")
    search_fields = (
        "number",
        "entity__name",
        "entity__credit_code",
        "provider__name",
        "provider__credit_code",
    )
    date_hierarchy = "signed_on"
    autocomplete_fields = ("entity", "provider")
    readonly_fields = ("created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        # Once applied for, the contract is what the application was judged on.
        if obj is not None and obj.applications.exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            audit_edit(request, obj, form)
            return
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name not in ("entity", "provider")
        }
        created = register_contract(
            entity=obj.entity, provider=obj.provider, by=request.user, **fields
        )
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db
