from django.apps import AppConfig


class AuthorityConfig(AppConfig):
    name = "authority"
    verbose_name = "政府端 / government portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from audit.services import recorded
        from authority.signals import warn_on_submission

        recorded.connect(warn_on_submission, dispatch_uid="authority.warn_on_submission")
