"""GET /api/v1/settlements and /api/v1/settlements/{id}: the provider's statements
(one per programme and settlement period: a month, or a quarter), as JSON or, with `Accept: text/csv`, as CSV (list: one row per statement;
detail: one row per line)."""

import io
from typing import NamedTuple

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from api.views.base import PAGE_PARAMETERS, Money, Page, ProviderView, paginated_schema
from billing.models import Settlement
from billing.selectors import statements_of
from config import csv_safe


class Table(NamedTuple):
    """What a CSV answer holds: its columns, and one dict per row."""

    fields: list[str]
    rows: list[dict]


class CSVRenderer(BaseRenderer):
    """A Table as CSV with a header row, even when it has no rows; anything else (an
    error) as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, Table):
            return JSONRenderer().render(data)
        out = io.StringIO()
        writer = csv_safe.DictWriter(out, fieldnames=data.fields)
        writer.writeheader()
        writer.writerows(data.rows)
        return out.getvalue().encode()


class LineOutput(serializers.Serializer):
    record_id = serializers.CharField(source="record.record_id")
    contract_number = serializers.CharField(source="record.contract_number")
    voucher_code = serializers.CharField(source="record.voucher.code", default=None)
    period_start = serializers.DateTimeField(source="record.period_start")
    period_end = serializers.DateTimeField(source="record.period_end")
    billed = Money()
    subsidy = Money()


class SettlementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    programme = serializers.CharField(source="programme.code")
    period = serializers.CharField(
        help_text="YYYY-MM, or YYYY-Qn for a programme settled quarterly (e.g. 2024-Q3)"
    )
    status = serializers.ChoiceField(choices=Settlement.Status.values)
    total_billed = Money()
    total_subsidy = Money()
    lines = LineOutput(many=True)


EXAMPLE = {
    "id": 7,
    "programme": "chengdu-2024",
    "period": "2024-06",
    "status": "draft",
    "total_billed": "2469.00",
    "total_subsidy": "1234.50",
    "lines": [
        {
            "record_id": "bill-2024-06-0001",
            "contract_number": "HT-2024-001",
            "voucher_code": "K7QM2XDP9RT4WB3N0",
            "period_start": "2024-06-01T00:00:00+08:00",
            "period_end": "2024-06-01T23:59:59+08:00",
            "billed": "2469.00",
            "subsidy": "1234.50",
        }
    ],
}


HEAD = ["id", "programme", "period", "status"]
SUMMARY = [*HEAD, "total_billed", "total_subsidy", "lines"]
LINE = [*HEAD, *LineOutput().fields]


def _summary(settlements: list[dict]) -> Table:
    return Table(SUMMARY, [{**s, "lines": len(s["lines"])} for s in settlements])


def lines_table(settlement: dict) -> Table:
    """One statement's lines (SettlementOutput data) as a CSV table: the API's detail
    CSV and the provider portal's download are this one table."""
    head = {k: settlement[k] for k in HEAD}
    return Table(LINE, [{**head, **line} for line in settlement["lines"]])


class SettlementList(ProviderView):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="settlements_list",
        parameters=PAGE_PARAMETERS,
        responses={
            (200, "application/json"): paginated_schema("PaginatedSettlements", SettlementOutput),
            (200, "text/csv"): str,
        },
        examples=[OpenApiExample("A draft statement", value=EXAMPLE, response_only=True)],
    )
    def get(self, request):
        """Your settlement statements, newest first, one per programme and settlement
        period: a month (`2024-06`), or a quarter (`2024-Q3`) for a programme settled
        quarterly.

        A statement is built on the 2nd of the month after its period ends (the
        `statement.ready` webhook), from the records reconciled in it; `status` goes
        `draft` -> `approved` -> `paid` (the `statement.paid` webhook).
        Send `Accept: text/csv` for a summary table instead of JSON."""
        paginator = Page()
        page = paginator.paginate_queryset(statements_of(self.provider), request, view=self)
        data = SettlementOutput(page, many=True).data
        if request.accepted_renderer.format == "csv":
            return Response(_summary(data))
        return paginator.get_paginated_response(data)


class SettlementDetail(ProviderView):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="settlement_retrieve",
        responses={(200, "application/json"): SettlementOutput, (200, "text/csv"): str},
        examples=[OpenApiExample("A draft statement", value=EXAMPLE, response_only=True)],
    )
    def get(self, request, settlement_id: int):
        """One statement with its lines: each line is one usage record, its billed amount
        and the subsidy it earned, so every yuan traces to a record. `Accept: text/csv`
        gives the lines as a table (cells that could start a formula are escaped)."""
        settlement = statements_of(self.provider).filter(pk=settlement_id).first()
        if settlement is None:
            raise Http404("no such settlement")
        data = SettlementOutput(settlement).data
        if request.accepted_renderer.format == "csv":
            return Response(lines_table(data))
        return Response(data)
