"""The public notice board (公示): no login, nothing but what the policies publish.

Every page runs a fixed number of queries whatever the number of awards
(tests/web/test_public_board.py counts them).
"""

from django.core.paginator import Paginator
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.regions import region_name
from config import csv_safe
from vouchers.rules.wording import LABELS
from web.public import selectors
from web.public.filters import AwardFilter

PAGE_SIZE = 25
EXPORT_COLUMNS = (
    "entity_name",
    "credit_code",
    "amount",
    "provider",
    "status",
    "issued_on",
    "notice_ends_on",
)


def programme_list(request):
    page = Paginator(selectors.public_programmes(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/public/programme_list.html", {"page": page})


def programme_detail(request, code):
    programme = selectors.public_programme(code)
    awards = AwardFilter(request.GET, queryset=selectors.public_awards(programme))
    page = Paginator(awards.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    by_region = [
        {**row, "label": region_name(row["label"])}
        for row in selectors.breakdown(programme, "registered_region")
    ]
    by_industry = [
        {**row, "label": _industry_name(row["label"])}
        for row in selectors.breakdown(programme, "industry")
    ]
    context = {
        "programme": programme,
        "filter": awards,
        "page": page,
        "summary": selectors.summary(programme),
        "by_region": by_region,
        "by_industry": by_industry,
        "chart_region": _chart(by_region),
        "chart_industry": _chart(by_industry),
    }
    if request.htmx:
        return render(request, "web/public/programme_detail.html#awards", context)
    return render(request, "web/public/programme_detail.html", context)


def _industry_name(code: str) -> str:
    names = LABELS.get(code)
    if not names:
        return code
    return names[1] if (get_language() or "").startswith("en") else names[0]


def _chart(rows) -> dict:
    """Data for site.js's bar chart; amounts travel as exact decimal strings."""
    return {
        "labels": [row["label"] for row in rows],
        "values": [str(row["committed"]) for row in rows],
        "series_name": str(_("Committed")),
    }


def _export_rows(request, programme):
    awards = AwardFilter(request.GET, queryset=selectors.public_awards(programme)).qs
    for voucher in awards.iterator(chunk_size=2000):
        yield {
            "entity_name": voucher.entity.name,
            "credit_code": voucher.entity.credit_code,
            "amount": f"{voucher.face_value:.2f}",
            "provider": voucher.provider.name,
            "status": "public_notice" if voucher.status == "public_notice" else "awarded",
            "issued_on": timezone.localtime(voucher.issued_at).date().isoformat(),
            "notice_ends_on": voucher.notice_ends_on.isoformat()
            if voucher.notice_ends_on
            else None,
        }


class _Echo:
    """csv.writer writes into this and the stream gets each line back."""

    def write(self, value):
        return value


def awards_csv(request, code):
    """Open data: every award of the programme as UTF-8 CSV (with a BOM, for Excel)."""
    programme = selectors.public_programme(code)
    writer = csv_safe.DictWriter(_Echo(), fieldnames=EXPORT_COLUMNS)

    def lines():
        yield "\ufeff" + writer.writeheader()
        for row in _export_rows(request, programme):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.code}-awards.csv"'
    return response


def awards_json(request, code):
    """Open data: every award of the programme as JSON, amounts as exact decimal strings."""
    programme = selectors.public_programme(code)
    return JsonResponse(
        {
            "programme": programme.code,
            "columns": list(EXPORT_COLUMNS),
            "awards": list(_export_rows(request, programme)),
        },
        json_dumps_params={"ensure_ascii": False},
    )
