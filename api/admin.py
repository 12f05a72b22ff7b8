"""API keys and signing in the back office. A new key is shown once, in the message
after saving; the admin then only ever shows its prefix."""

from django.contrib import admin, messages

from api.models import ApiKey, SigningSettings
from api.services.keys import create_key, revoke_key, set_signing
from config.errors import DomainError
from vouchers.admin.common import run_each


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "provider", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = ("provider",)
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ("provider", "name") if obj is None else ("name", *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        try:
            key, raw = create_key(provider=obj.provider, by=request.user, name=obj.name)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = key.pk
        self.message_user(
            request, f"新密钥（仅显示一次）/ the new key, shown once: {raw}", messages.WARNING
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the key's history stays

    @admin.action(description="撤销所选密钥 / revoke the selected keys")
    def revoke(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda key: revoke_key(key=key, by=request.user),
            done="revoked",
        )


@admin.register(SigningSettings)
class SigningSettingsAdmin(admin.ModelAdmin):
    list_display = ("provider", "signing_required", "updated_at")
    fields = ("provider", "signing_required", "updated_at")
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        _, secret = set_signing(
            provider=obj.provider, required=obj.signing_required, by=request.user
        )
        obj.pk = SigningSettings.objects.get(provider=obj.provider).pk
        self.message_user(
            request,
            f"新签名密钥（仅显示一次，旧密钥在下次轮换前仍有效）/ new signing secret, shown once "
            f"(the previous one verifies until the next rotation): {secret}",
            messages.WARNING,
        )
