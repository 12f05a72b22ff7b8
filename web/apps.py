from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "网站 / site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The login signal that stamps the session (recent authentication), and the
        # project's system checks (config is not an app of its own).
        from config import checks  # noqa: F401
        from web import auth  # noqa: F401
