from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "recovery"
    verbose_name = "追回 / claw-back"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from recovery import permissions  # noqa: F401  (registers the rules)
