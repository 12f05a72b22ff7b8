from django.apps import AppConfig


class AuthorityConfig(AppConfig):
    name = "authority"
    verbose_name = "政府端 / government portal"
    default_auto_field = "django.db.models.BigAutoField"
