"""The dashboard: each programme's money as the ledger holds it, the budget's burn-down
and forecast, the applications waiting by age, and the top providers, industries and
districts. Any officer of the authority; the rest of it (`?programme=`) for one of its
programmes or all of them."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from authority import dashboard
from authority.access import applications_of, officer_view, programmes_of, vouchers_of
from authority.forecast import OVERDUE_WORKING_DAYS, PACE_WEEKS
from vouchers.money import ZERO


def _chosen(request, programmes: list):
    """The programme asked for, or None for all of them; any other is a 404."""
    asked = request.GET.get("programme", "")
    if not asked:
        return None
    chosen = next((p for p in programmes if str(p.pk) == asked), None)
    if chosen is None:
        raise Http404
    return chosen


def _assumption(outlook, available) -> str:
    if not outlook.weeks:
        return _("Too early for a forecast: no full week of commitments yet.")
    pace = f"¥{outlook.pace:,.2f}"
    if available <= ZERO:
        return _("The available budget is used up.")
    if outlook.exhausted_on is None:
        return _(
            "Nothing was committed over the last %(weeks)s full weeks (net of releases): "
            "no date of exhaustion at that pace."
        ) % {"weeks": outlook.weeks}
    return _(
        "Assumes the average net commitment of the last %(weeks)s full weeks, %(pace)s a "
        "week, goes on: the available budget runs out around %(date)s."
    ) % {
        "weeks": outlook.weeks,
        "pace": pace,
        "date": date_format(outlook.exhausted_on, "DATE_FORMAT"),
    }


def _tops(vouchers) -> list[dict]:
    """Each top list with its heading and site.js's bar chart of the awarded amounts
    (exact strings)."""
    headings = {
        "providers": _("Top providers"),
        "industries": _("Top industries"),
        "districts": _("Top districts"),
    }
    return [
        {
            "name": name,
            "heading": headings[name],
            "rows": rows,
            "chart": {
                "labels": [row["label"] for row in rows],
                "values": [str(row["awarded"]) for row in rows],
                "series_name": _("Awarded"),
            },
        }
        for name, rows in dashboard.top_lists(vouchers=vouchers).items()
    ]


@officer_view
def dashboard_view(request):
    today = timezone.localdate()
    programmes = dashboard.funded_programmes(programmes_of(request))
    chosen = _chosen(request, programmes)
    scope = [chosen] if chosen else programmes
    per_programme = dashboard.figures(programmes=programmes)
    available = sum((per_programme[p.pk].available for p in scope), ZERO)
    burn, outlook = dashboard.burn_down(
        weeks=dashboard.weeks(programmes=scope), available=available, today=today
    )
    scope_ids = [p.pk for p in scope]
    burn["names"] = {"actual": _("Available budget"), "forecast": _("Forecast")}
    burn["assumption"] = _assumption(outlook, available)
    context = {
        "programmes": [(p, per_programme[p.pk]) for p in programmes],
        "totals": dashboard.totals_by_authority(programmes, per_programme),
        "chosen": chosen,
        "burn": burn,
        "outlook": outlook,
        "waiting": dashboard.waiting(
            applications=applications_of(request).filter(programme__in=scope_ids), today=today
        ),
        "tops": _tops(vouchers_of(request).filter(programme__in=scope_ids)),
        "pace_weeks": PACE_WEEKS,
        "overdue_days": OVERDUE_WORKING_DAYS,
    }
    return render(request, "authority/dashboard.html", context)
