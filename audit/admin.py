"""The audit trail, shown view-only: events are append-only, so the admin can never add,
change or delete one."""

from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch

from audit.models import AuditEvent
from config.admin_helpers import ViewOnlyMixin, admin_link, pretty_json

SUBJECT_APPS = ("vouchers", "accounts")


def _subject(event: AuditEvent):
    for app_label in SUBJECT_APPS:
        try:
            model = apps.get_model(app_label, event.object_type)
            return model._default_manager.filter(pk=event.object_id).first()
        except (LookupError, ValueError):
            continue
    return None


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "action", "object_type", "object_id", "actor", "programme")
    list_filter = ("object_type", "action", "programme")
    list_select_related = ("actor", "programme")
    search_fields = ("action", "object_type", "object_id", "actor__username")
    date_hierarchy = "at"
    fields = ("at", "actor", "action", "subject", "programme", "before_json", "after_json")
    readonly_fields = ("subject", "before_json", "after_json")

    @admin.display(description="对象 / object")
    def subject(self, obj):
        """A link to the object the event is about, when it still exists."""
        target = _subject(obj)
        try:
            return admin_link(target) if target else f"{obj.object_type}#{obj.object_id}"
        except NoReverseMatch:
            return str(target)

    @admin.display(description="变更前 / before")
    def before_json(self, obj):
        return pretty_json(obj.before)

    @admin.display(description="变更后 / after")
    def after_json(self, obj):
        return pretty_json(obj.after)
