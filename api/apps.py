from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "服务商接口 / provider API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from api import schema  # noqa: F401  (registers the bearer scheme with the schema)
