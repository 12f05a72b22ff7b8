"""Back office for people and organisations.

Entities and providers are registered through their services (credit code checked, an
audit event written); a later edit is audited too.  An entity's declarations are
history: added through `declare_profile`, never edited.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    DECLARED_FIELDS,
    Authority,
    Entity,
    EntityDeclaration,
    Membership,
    Provider,
    User,
)
from accounts.services import declare_profile, register_entity, register_provider
from config.admin_helpers import EntityStaffForm, RequestFormMixin, ViewOnlyMixin, audit_edit

DECLARATION_FIELDS = (*DECLARED_FIELDS, "evidence")


def _register_with(service, obj, form, by) -> None:
    """Create through `service`, then point the admin's object at the created row."""
    created = service(by=by, **form.cleaned_data)
    obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("authority", "entity", "provider")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("显示名称 / display name", {"fields": ("display_name",)}),
    )
    list_display = ("username", "display_name", "email", "is_staff", "is_active", "last_login")
    search_fields = ("username", "display_name", "email", "first_name", "last_name")
    inlines = (MembershipInline,)


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "region_code", "region_name")
    search_fields = ("name_zh", "name_en", "region_code", "region_name")

    def has_delete_permission(self, request, obj=None):
        return False  # programmes and memberships point at it


class DeclarationInline(ViewOnlyMixin, admin.TabularInline):
    model = EntityDeclaration
    fields = (*DECLARATION_FIELDS, "declared_by")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("declared_by", "entity")


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "kind", "legal_representative")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code", "legal_representative")
    inlines = (DeclarationInline,)
    # Verification is an officer's decision in the government portal, never an edit here.
    readonly_fields = (
        "verification",
        "business_licence",
        "verified_by",
        "verified_at",
        "verification_note",
    )

    def has_delete_permission(self, request, obj=None):
        return False  # declarations, contracts and vouchers point at it

    def save_model(self, request, obj, form, change):
        if not change:
            _register_with(register_entity, obj, form, request.user)
            return
        super().save_model(request, obj, form, change)
        audit_edit(request, obj, form)


PERSONAL_FIELDS = ("legal_rep_id", "phone", "bank_account", "shareholder_text")


class ProviderForm(forms.ModelForm):
    """Personal data is write-only here: never shown back (an unmasked view belongs to
    the audited action of the government portal); left empty, the stored value stays."""

    class Meta:
        model = Provider
        fields = (
            *("name", "credit_code", "legal_representative", "shareholders", "region_code"),
            *("is_active", "registered_address", *PERSONAL_FIELDS),
        )
        widgets = {
            "legal_rep_id": forms.PasswordInput(render_value=False),
            "phone": forms.PasswordInput(render_value=False),
            "bank_account": forms.PasswordInput(render_value=False),
            "shareholder_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["shareholder_text"] = ""
            for name in PERSONAL_FIELDS:
                self.fields[name].help_text = _("Stored encrypted; leave empty to keep.")

    def clean(self):
        data = super().clean()
        for name in PERSONAL_FIELDS:
            if not data.get(name) and self.instance.pk:
                data[name] = getattr(self.instance, name)
        return data


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    form = ProviderForm
    list_display = ("name", "credit_code", "region_code", "legal_representative", "is_active")
    list_filter = ("is_active", "region_code")
    search_fields = ("name", "credit_code", "legal_representative")

    def has_delete_permission(self, request, obj=None):
        return False  # contracts, vouchers and the ledger point at it

    def save_model(self, request, obj, form, change):
        if not change:
            _register_with(register_provider, obj, form, request.user)
            return
        super().save_model(request, obj, form, change)
        audit_edit(request, obj, form, secret=PERSONAL_FIELDS)


class DeclarationForm(EntityStaffForm):
    class Meta:
        model = EntityDeclaration
        fields = ("entity", *DECLARATION_FIELDS)


@admin.register(EntityDeclaration)
class EntityDeclarationAdmin(RequestFormMixin, admin.ModelAdmin):
    form = DeclarationForm
    list_display = ("entity", *DECLARED_FIELDS)
    list_filter = ("is_startup", "fiscal_year", "registered_region")
    list_select_related = ("entity",)
    search_fields = ("entity__name", "entity__credit_code", "industry")
    date_hierarchy = "declared_on"
    autocomplete_fields = ("entity",)
    readonly_fields = ("declared_by", "created_at")

    def has_change_permission(self, request, obj=None):
        # A declaration is superseded by a newer one, never edited: applications point at it.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: value for name, value in form.cleaned_data.items() if name != "entity"}
        created = declare_profile(entity=obj.entity, by=request.user, **fields)
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "authority", "entity", "provider")
    list_filter = ("role", "authority")
    list_select_related = ("user", "authority", "entity", "provider")
    search_fields = (
        "user__username",
        "user__display_name",
        "authority__name_zh",
        "entity__name",
        "entity__credit_code",
        "provider__name",
        "provider__credit_code",
    )
    autocomplete_fields = ("user", "authority", "entity", "provider")
