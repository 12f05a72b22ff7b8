"""What became of the provider's records: reconciliation exceptions about them
(read-only here: reviewers decide them) and the monthly statements, each with its
lines and the same CSV as the API's GET /settlements/{id} with Accept: text/csv."""

from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render

from api.views.settlements import CSVRenderer, SettlementOutput, lines_table
from billing.models import Settlement
from provider.access import exceptions_of, get_statement_for_user, provider_view
from provider.filters import ExceptionFilter

PAGE_SIZE = 25


@provider_view
def exceptions(request):
    rows = exceptions_of(request).select_related("record").order_by("-pk")
    filterset = ExceptionFilter(request.GET or None, queryset=rows)
    found = filterset.qs if filterset.is_bound and filterset.is_valid() else rows
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "provider/exceptions.html"
    if getattr(request, "htmx", False):
        template += "#rows"
    return render(request, template, {"filter": filterset, "page": page})


def paid_at(settlement: Settlement) -> datetime | None:
    """When the payment was recorded (its step in the approvals trail), if it was."""
    step = next((s for s in settlement.approvals if s.get("step") == "pay"), None)
    return datetime.fromisoformat(step["at"]) if step else None


@provider_view
def statements(request):
    rows = (
        Settlement.objects.filter(provider=request.provider)
        .select_related("programme")
        .annotate(line_count=Count("lines"))
        .order_by("-period", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for settlement in page:
        settlement.paid_at = paid_at(settlement)
    return render(request, "provider/statements.html", {"page": page})


@provider_view
def statement(request, pk):
    found = get_statement_for_user(request, pk)
    context = {"statement": found, "lines": found.lines.all(), "paid_at": paid_at(found)}
    return render(request, "provider/statement.html", context)


@provider_view
def statement_csv(request, pk):
    found = get_statement_for_user(request, pk)
    body = CSVRenderer().render(lines_table(SettlementOutput(found).data))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"statement-{found.programme.code}-{found.period}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
