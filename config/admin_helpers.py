"""Admin pieces the back offices of several apps share (accounts, vouchers, audit).

They live in the project package, not in an app, so that `accounts` can use them without
importing `vouchers`: an app's admin imports this module and `audit`, never another
app's admin.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from audit import services as audit
from config.errors import bilingual


class ViewOnlyMixin:
    """Rows written only by services (or append-only): look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RequestFormMixin:
    """Give the admin form the request, so that its clean() can check the acting user's
    permission before the service runs: a refusal then shows on the form, not as a 403."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A subclass per request: never store the request on the shared form class.
        return type(form.__name__, (form,), {"request": request})


def require_on_form(form, perm: str, obj) -> None:
    if not form.request.user.has_perm(perm, obj):
        raise ValidationError(bilingual("无权执行此操作", f"not permitted: {perm}"))


class EntityStaffForm(forms.ModelForm):
    """A form for rows an entity's staff write for their entity (declarations, contracts):
    the acting user must act for the chosen entity."""

    def clean(self):
        data = super().clean()
        if data.get("entity") is not None:
            require_on_form(self, "vouchers.apply", data["entity"])
        return data


def _jsonable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | models.QuerySet):
        return [_jsonable(item) for item in value]
    return json.loads(json.dumps(value, default=str))


def _recordable(value, secret: bool):
    return "(changed)" if secret else _jsonable(value)


def audit_edit(request, obj, form, *, programme=None, secret=()) -> None:
    """An audit event for an admin edit of descriptive fields (never money or status,
    which only services change), so identity changes stay traceable too. A `secret`
    field (personal data) is recorded as changed, never with its values."""
    model_fields = {field.name for field in obj._meta.get_fields()}
    changed = [
        name for name in form.changed_data if name in model_fields and name in form.cleaned_data
    ]
    if not changed:
        return
    audit.record(
        actor=request.user,
        action=f"{type(obj).__name__.lower()}.edit",
        obj=obj,
        programme=programme,
        before={name: _recordable(form.initial.get(name), name in secret) for name in changed},
        after={name: _recordable(form.cleaned_data[name], name in secret) for name in changed},
    )


def pretty_json(value) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


def admin_link(obj) -> str:
    if obj is None:
        return "-"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, obj)
