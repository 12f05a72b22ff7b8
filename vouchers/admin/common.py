"""Helpers of the vouchers back office (the pieces accounts' admin uses too are in
config/admin_helpers.py).

The admin never changes money or status itself: its actions call services, and a
service's refusal (DomainError, PermissionDenied, ValidationError) becomes a bilingual
error message naming the object instead of a 500.
"""

from functools import cache

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template import engines
from django.urls import reverse

from config.errors import DomainError, bilingual

REFUSALS = (DomainError, PermissionDenied, ValidationError)


def refusal_message(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or bilingual("无权执行此操作", "not permitted")


def run_each(modeladmin, request, queryset, service, *, done: str) -> int:
    """Call `service(obj)` for each object. Each call is the service's own transaction,
    so one refusal never undoes the others; it is reported against its object."""
    succeeded = 0
    for obj in queryset.order_by("pk"):
        try:
            service(obj)
        except REFUSALS as exc:
            modeladmin.message_user(request, f"{obj}: {refusal_message(exc)}", level=messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded}", level=messages.SUCCESS)
    return succeeded


# The page that asks for a note (a rejection reason, a revocation reason) before an
# action runs.  It posts back to the changelist with the same action and selection.
NOTE_PAGE = """{% extends "admin/base_site.html" %}
{% block breadcrumbs %}<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">首页 / Home</a> &rsaquo;
<a href="{{ changelist_url }}">{{ opts.verbose_name_plural }}</a> &rsaquo; {{ title }}
</div>{% endblock %}
{% block content %}
<form method="post">{% csrf_token %}
<ul>{% for obj in objects %}<li>{{ obj }}</li>{% endfor %}</ul>
{{ form.as_p }}
{% for obj in objects %}<input type="hidden" name="{{ checkbox_name }}" value="{{ obj.pk }}">{% endfor %}
<input type="hidden" name="action" value="{{ action }}">
<input type="hidden" name="confirm" value="yes">
<div class="submit-row">
<input type="submit" class="default" value="{{ title }}">
<a href="{{ changelist_url }}" class="button cancel-link">取消 / cancel</a>
</div>
</form>
{% endblock %}"""


@cache
def _note_page():
    return engines["django"].from_string(NOTE_PAGE)


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 70}), max_length=1000)


def with_note(modeladmin, request, queryset, *, action: str, title: str, label: str, run):
    """Ask for a note on a page of its own, then call `run(obj, note)` for each object."""
    form = NoteForm(request.POST if "confirm" in request.POST else None)
    form.fields["note"].label = label
    if form.is_valid():
        note = form.cleaned_data["note"]
        run_each(modeladmin, request, queryset, lambda obj: run(obj, note), done=title)
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "objects": list(queryset.order_by("pk")),
        "form": form,
        "action": action,
        "checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
    }
    return HttpResponse(_note_page().render(context, request))
