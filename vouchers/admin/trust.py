"""The dishonesty list's versions and the public board's objections, read-only: they are
written by an officer's import and by the objection services only."""

from django.contrib import admin

from config.admin_helpers import ViewOnlyMixin
from vouchers.models import DishonestyList, DishonestyListing, Objection


@admin.register(DishonestyList)
class DishonestyListAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("source_name", "imported_at", "imported_by")
    list_select_related = ("imported_by",)


@admin.register(DishonestyListing)
class DishonestyListingAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("credit_code", "starts_on", "ends_on", "version")
    list_select_related = ("version",)
    search_fields = ("credit_code",)


@admin.register(Objection)
class ObjectionAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("voucher", "name", "status", "filed_at", "resolved_by")
    list_filter = ("status",)
    list_select_related = ("voucher", "resolved_by")
    search_fields = ("voucher__code", "name")
