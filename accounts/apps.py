from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "账户与机构 / accounts"

    def ready(self):
        from accounts import permissions  # noqa: F401  registers the rules permissions
