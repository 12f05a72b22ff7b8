from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "网站 / site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the login signal that stamps the session (recent authentication).
        from web import auth  # noqa: F401
