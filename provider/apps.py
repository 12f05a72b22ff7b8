from django.apps import AppConfig


class ProviderConfig(AppConfig):
    name = "provider"
    verbose_name = "服务商端 / provider portal"
    default_auto_field = "django.db.models.BigAutoField"
