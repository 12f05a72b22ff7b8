"""The ledger, the cap rows and first approvals: written only by services, shown
view-only. Ledger entries are append-only, so the admin can never add, change or delete
one."""

from django.contrib import admin

from config.admin_helpers import ViewOnlyMixin
from vouchers.models import CapUsage, FirstApproval, LedgerAccount, LedgerEntry


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("key", "programme", "kind", "balance", "voucher", "provider", "funding_source")
    list_filter = ("kind", "allow_negative", "programme")
    list_select_related = ("programme", "voucher", "provider", "funding_source")
    search_fields = (
        "key",
        "voucher__code",
        "provider__name",
        "provider__credit_code",
        "programme__code",
    )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "programme",
        "kind",
        "amount",
        "debit",
        "credit",
        "voucher",
        "reference",
        "actor",
    )
    list_filter = ("kind", "programme")
    list_select_related = ("programme", "debit", "credit", "voucher", "actor")
    search_fields = ("reference", "voucher__code", "debit__key", "credit__key", "programme__code")
    date_hierarchy = "created_at"


@admin.register(CapUsage)
class CapUsageAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("entity", "programme", "used", "limit")
    list_filter = ("programme",)
    list_select_related = ("entity", "programme")
    search_fields = ("entity__name", "entity__credit_code", "programme__code")


@admin.register(FirstApproval)
class FirstApprovalAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """First approvals above a programme's second-review threshold: written by the
    reviewers' decisions only (vouchers/services/second_review.py)."""

    list_display = ("application", "amount", "approved_by", "approved_at", "confirmed_by")
    list_select_related = ("application", "approved_by", "confirmed_by")
    search_fields = ("application__entity__name", "application__contract__number")
