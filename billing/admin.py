"""Billing in the back office: records, files and statements are read-only (only the
pipelines write them); reviewers decide exceptions through actions that call the
services, which check who may. Statements are approved in the authority portal and paid
only through a four-eyes payment batch (payments/), never from here."""

from django.contrib import admin

from billing.models import (
    ReconciliationException,
    Settlement,
    SettlementLine,
    UsageFile,
    UsageRecord,
)
from billing.services.exceptions import resolve_exception
from config.admin_helpers import ViewOnlyMixin
from config.errors import bilingual
from vouchers.admin.common import with_note


@admin.register(UsageRecord)
class UsageRecordAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("record_id", "provider", "contract_number", "amount", "status", "subsidy",
                    "exception", "voucher", "period_start")  # fmt: skip
    list_filter = ("status", "exception")
    search_fields = ("record_id", "contract_number")
    list_select_related = ("provider", "voucher")


@admin.register(UsageFile)
class UsageFileAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "provider", "original_name", "status", "rows_total", "rows_accepted",
                    "rows_rejected", "created_at")  # fmt: skip
    list_filter = ("status",)


@admin.register(ReconciliationException)
class ReconciliationExceptionAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("record", "reason", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status", "reason")
    search_fields = ("record__record_id", "record__contract_number")
    list_select_related = ("record", "decided_by")
    actions = ("accept", "reject")

    def _decide(self, request, queryset, action: str, decision: str, title: str):
        return with_note(
            self, request, queryset, action=action, title=title, label=bilingual("说明", "note"),
            run=lambda case, note: resolve_exception(
                exception=case, decision=decision, by=request.user, note=note
            ),
        )  # fmt: skip

    @admin.action(description="接受并核销（须填写说明）/ accept and apply (with a note)")
    def accept(self, request, queryset):
        return self._decide(
            request, queryset, "accept", "accepted", bilingual("接受异常", "accept")
        )

    @admin.action(description="驳回（须填写说明）/ reject (with a note)")
    def reject(self, request, queryset):
        return self._decide(
            request, queryset, "reject", "rejected", bilingual("驳回异常", "reject")
        )


class SettlementLineInline(admin.TabularInline):
    model = SettlementLine
    fields = ("record", "billed", "subsidy")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Settlement)
class SettlementAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "provider", "programme", "period", "status", "total_billed",
                    "total_subsidy", "approved_by", "paid_by")  # fmt: skip
    list_filter = ("status", "period")
    inlines = (SettlementLineInline,)
