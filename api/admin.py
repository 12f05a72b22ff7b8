"""API keys and signing in the back office. A new key is shown once, in the message
after saving; the admin then only ever shows its prefix.

The services decide who may (`api.manage_keys`: the provider's own staff, never a
superuser as such); a refusal is a message here, and nothing changes."""

from django.contrib import admin, messages

from api.models import ApiKey, SigningSettings
from api.services.keys import create_key, revoke_key, rotate_signing_secret, set_signing
from vouchers.admin.common import REFUSALS, refusal_message, run_each


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
        except REFUSALS as exc:
            self.message_user(request, refusal_message(exc), messages.ERROR)
            return
        obj.pk = key.pk
        self.message_user(
            request, f"新密钥（仅显示一次）/ the new key, shown once: {raw}", messages.WARNING
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the key's history stays

    @admin.action(description="撤销所选密钥 / revoke the selected keys", permissions=["change"])
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
    actions = ["rotate"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else ("provider", *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        # Only the switch: the secret changes by the rotate action, never by a save.
        try:
            _, secret = set_signing(
                provider=obj.provider, required=obj.signing_required, by=request.user
            )
        except REFUSALS as exc:
            self.message_user(request, refusal_message(exc), messages.ERROR)
            return
        obj.pk = SigningSettings.objects.get(provider=obj.provider).pk
        if secret:
            self.message_user(
                request, f"签名密钥（仅显示一次）/ the signing secret, shown once: {secret}",
                messages.WARNING,
            )  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return False  # switch signing off instead: the audit trail names these settings

    @admin.action(description="轮换签名密钥 / rotate the signing secret", permissions=["change"])
    def rotate(self, request, queryset):
        for signing in queryset.select_related("provider").order_by("pk"):
            try:
                _, secret = rotate_signing_secret(provider=signing.provider, by=request.user)
            except REFUSALS as exc:
                self.message_user(
                    request, f"{signing.provider}: {refusal_message(exc)}", messages.ERROR
                )
                continue
            self.message_user(
                request,
                f"{signing.provider}: 新签名密钥（仅显示一次，旧密钥在下次轮换前仍有效）/ "
                f"new signing secret, shown once (the old one verifies until the next "
                f"rotation): {secret}",
                messages.WARNING,
            )
