"""What became of the provider's records: reconciliation exceptions about them
(read-only here: reviewers decide them) and the statements of each settlement period
(a month, or a quarter for a programme settled quarterly): the statement by voucher,
printable, as CSV and XLSX, and its records as the same CSV as the API's
GET /settlements/{id} with Accept: text/csv."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render

from api.views.settlements import CSVRenderer, SettlementOutput, lines_table
from authority import exports
from billing import selectors
from billing.models import Settlement
from provider.access import (
    exceptions_of,
    get_statement_for_user,
    get_statement_with_records_for_user,
    provider_view,
)
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
        settlement.paid_at = selectors.paid_at(settlement)
    return render(request, "provider/statements.html", {"page": page})


@provider_view
def statement(request, pk):
    found = get_statement_for_user(request, pk)
    return render(request, "provider/statement.html", selectors.statement_page(found))


def _filename(found: Settlement, suffix: str) -> str:
    return f"statement-{found.programme.code}-{found.period}.{suffix}"


@provider_view
def statement_export(request, pk, kind):
    found = get_statement_for_user(request, pk)
    lines = selectors.statement_by_voucher(settlement=found)
    rows = selectors.statement_rows(settlement=found, lines=lines)
    write = exports.streamed_xlsx if kind == "xlsx" else exports.streamed_csv
    return write(rows, columns=selectors.STATEMENT_COLUMNS, filename=_filename(found, kind))


@provider_view
def statement_csv(request, pk):
    found = get_statement_with_records_for_user(request, pk)
    body = CSVRenderer().render(lines_table(SettlementOutput(found).data))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = _filename(found, "records.csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
