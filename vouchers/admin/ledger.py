"""The ledger and the cap rows: written only by services, shown view-only. Ledger entries
are append-only, so the admin can never add, change or delete one."""

from django.contrib import admin

from config.admin_helpers import ViewOnlyMixin
from vouchers.models import CapUsage, LedgerAccount, LedgerEntry


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
