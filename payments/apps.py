from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "付款 / payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from payments import permissions  # noqa: F401  (registers the rules)
