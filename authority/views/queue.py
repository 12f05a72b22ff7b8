"""The review queue: filters, counts, sorting, pages; bulk return or reject."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from authority import exports
from authority.access import applications_of, officer_view
from authority.filters import QueueFilter
from authority.forms import BulkDecisionForm
from authority.views.common import filtered, filtered_page, page_or_rows
from company.errors import localised, pick
from config.errors import DomainError
from vouchers.models import Application, FirstApproval
from vouchers.services.applications import reject_application, return_application
from web.auth import recent_login_required, safe_next

QUEUE_ROWS = ("programme", "entity", "contract__provider", "declaration")
PRIMARY_FILTERS = ("q", "status", "programme", "provider")
QUEUE_DEFAULTS = {"status": "submitted"}


def _waiting(request):
    return applications_of(request).filter(status=Application.Status.SUBMITTED)


def _queue_rows(request):
    return applications_of(request).select_related(*QUEUE_ROWS).order_by("submitted_at", "pk")


@officer_view
def queue(request):
    rows = _queue_rows(request).annotate(awaiting_second=_awaiting_second_reviewer())
    context = filtered_page(request, QueueFilter, rows, defaults=QUEUE_DEFAULTS)
    context["counts"] = _status_counts(request)
    # The filters a reviewer uses daily stay in view; the rest fold away on a phone.
    context["primary_filters"] = PRIMARY_FILTERS
    context["more_filters_open"] = any(
        request.GET.get(name)
        for name in context["filter"].form.fields
        if name not in PRIMARY_FILTERS
    )
    context["bulk"] = BulkDecisionForm(waiting=_waiting(request))
    return render(request, page_or_rows(request, "authority/queue.html"), context)


@officer_view
def queue_csv(request):
    """The queue as filtered on the page, every matching row (not only this page's)."""
    _, found = filtered(request, QueueFilter, _queue_rows(request), defaults=QUEUE_DEFAULTS)
    rows = exports.queue_rows(found)
    return exports.streamed_csv(rows, columns=exports.QUEUE_COLUMNS, filename="queue.csv")


@officer_view
def queue_xlsx(request):
    """The same rows as the CSV, as a spreadsheet."""
    _, found = filtered(request, QueueFilter, _queue_rows(request), defaults=QUEUE_DEFAULTS)
    rows = exports.queue_rows(found)
    return exports.streamed_xlsx(rows, columns=exports.QUEUE_COLUMNS, filename="queue.xlsx")


def _awaiting_second_reviewer():
    """Whether a first approval waits for a second reviewer (a subquery, not a query a row)."""
    return Exists(FirstApproval.objects.filter(application=OuterRef("pk"), confirmed_at=None))


def _status_counts(request) -> dict:
    """Applications per status across the officer's programmes, in one query."""
    counted = applications_of(request).values("status").annotate(n=Count("pk"))
    found = {row["status"]: row["n"] for row in counted}
    return [(status, label, found.get(status, 0)) for status, label in Application.Status.choices]


STEPS = {"return": return_application, "reject": reject_application}


@officer_view
@recent_login_required
def bulk_decide(request):
    back = safe_next(request, request.POST.get("next"), fallback="/authority/queue/")
    if request.method != "POST":
        return redirect(back)
    form = BulkDecisionForm(request.POST, waiting=_waiting(request))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    step, note = STEPS[form.cleaned_data["action"]], form.cleaned_data["reason"]
    done = 0
    for application in form.cleaned_data["applications"].order_by("pk"):
        # One transaction per application (the service's own): one refusal leaves the
        # others decided, and says which it was.
        try:
            step(application=application, by=request.user, note=note)
            done += 1
        except (DomainError, PermissionDenied) as exc:
            text = pick(exc.zh, exc.en) if isinstance(exc, DomainError) else localised(exc)
            messages.error(
                request, _("Application #%(pk)s: %(error)s") % {"pk": application.pk, "error": text}
            )
    if done:
        messages.success(
            request,
            ngettext("%(count)d application decided.", "%(count)d applications decided.", done)
            % {"count": done},
        )
    return redirect(back)
