from django.apps import AppConfig


class CompanyConfig(AppConfig):
    name = "company"
    verbose_name = "申报端 / company portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from company import permissions  # noqa: F401  (registers the rules)

        # Connects the scan after status changes when tasks run in-process (no beat).
        from company.services import notifications  # noqa: F401
