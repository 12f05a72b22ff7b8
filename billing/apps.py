from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "计费与结算 / billing and settlement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from billing import permissions  # noqa: F401  (registers the rules)
