"""The dashboard's reads (a module of its own beside selectors.py: one page's queries,
each a grouped aggregate, so the page runs the same number of queries whatever the rows).

The money figures are the ledger's own: the cached balance of every account of a
programme, summed by the account's kind. `check_ledger` recomputes exactly these balances
from the entries (and that they add up to the budget), so the dashboard and the check
can never tell two stories: available + committed (the vouchers' reserves) + redeemed
(owed to providers) + payable (owed to entities) + paid + receivable (clawed back, owed
to the programme: recovery.selectors.outstanding_receivables sums the same accounts) +
written off = budget.
"""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from accounts import industries
from accounts.models import Provider
from accounts.regions import region_name
from authority.forecast import (
    AGE_BANDS,
    Forecast,
    WorkingDays,
    age_band,
    forecast,
    holidays_known,
    week_of,
)
from vouchers.models import Application, LedgerAccount, LedgerEntry
from vouchers.models.fields import MoneyField
from vouchers.money import ZERO, from_db

Kind = LedgerAccount.Kind
TOP = 10


@dataclass(frozen=True)
class Figures:
    budget: Decimal = ZERO
    available: Decimal = ZERO
    committed: Decimal = ZERO
    redeemed: Decimal = ZERO
    payable: Decimal = ZERO
    paid: Decimal = ZERO
    receivable: Decimal = ZERO
    written_off: Decimal = ZERO

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


# Which figure each kind of account holds; the funding accounts hold the budget's negative.
FIGURE_OF_KIND = {
    Kind.AVAILABLE: "available",
    Kind.RESERVE: "committed",
    Kind.REDEEMED: "redeemed",
    Kind.PAYABLE: "payable",
    Kind.PAID: "paid",
    Kind.RECEIVABLE: "receivable",
    Kind.WRITTEN_OFF: "written_off",
}


def funded_programmes(programmes) -> list:
    """The programmes whose books are open (published once: a draft has no accounts), of
    real money (a provider's sandbox is never in a real figure)."""
    funded = programmes.real().filter(accounts__kind=Kind.AVAILABLE)
    return list(funded.select_related("authority").order_by("authority_id", "-year", "code"))


def figures(*, programmes: list) -> dict[int, Figures]:
    """Each programme's figures, from its accounts' balances (one grouped query)."""
    balances = (
        LedgerAccount.objects.filter(programme__in=[p.pk for p in programmes])
        .exclude(kind=Kind.FUNDING)
        .values_list("programme_id", "kind")
        .annotate(total=Sum("balance"))
        .order_by()
    )
    by_programme = defaultdict(dict)
    for programme_id, kind, total in balances:
        by_programme[programme_id][FIGURE_OF_KIND[kind]] = from_db(total)
    return {p.pk: Figures(budget=p.total_budget, **by_programme[p.pk]) for p in programmes}


def totals_by_authority(programmes: list, per_programme: dict[int, Figures]) -> list[tuple]:
    """(authority, Figures) for each authority, in the programmes' order."""
    totals = {}
    for p in programmes:
        totals[p.authority] = totals.get(p.authority, Figures()) + per_programme[p.pk]
    return list(totals.items())


@dataclass(frozen=True)
class Week:
    monday: date
    funded: Decimal  # paid into the available budget (publishing)
    burnt: Decimal  # taken out of it (commitments) less what came back (releases)


def weeks(*, programmes: list) -> list[Week]:
    """What went into and out of the programmes' available budget, week by week. The
    entries are found by the available accounts' ids (a few), through the indexes on
    debit and credit, not by joining every entry to its accounts."""
    available = list(
        LedgerAccount.objects.filter(
            programme__in=[p.pk for p in programmes], kind=Kind.AVAILABLE
        ).values_list("pk", flat=True)
    )
    out = Case(When(debit_id__in=available, then=F("amount")), default=-F("amount"))
    rows = (
        LedgerEntry.objects.filter(Q(debit_id__in=available) | Q(credit_id__in=available))
        .annotate(week=TruncWeek("created_at"))
        .values_list("week")
        .annotate(
            funded=Sum("amount", filter=Q(kind=LedgerEntry.Kind.FUND)),
            burnt=Sum(out, filter=~Q(kind=LedgerEntry.Kind.FUND), output_field=MoneyField()),
        )
        .order_by("week")
    )
    return [
        Week(week_of(timezone.localtime(week).date()), from_db(funded), from_db(burnt))
        for week, funded, burnt in rows
    ]


def burn_down(*, weeks: list[Week], available: Decimal, today: date) -> tuple[dict, Forecast]:
    """The available budget at the end of each week up to today, the forecast from the
    recent pace, and both as the chart's data (amounts as exact strings)."""
    outlook = forecast(
        available=available, burn_by_week={w.monday: w.burnt for w in weeks}, today=today
    )
    by_week = {w.monday: w for w in weeks}
    points, balance = [], ZERO
    monday = min(by_week, default=week_of(today))
    while monday <= today:
        week = by_week.get(monday)
        balance += (week.funded - week.burnt) if week else ZERO
        points.append([min(monday + timedelta(days=6), today).isoformat(), str(balance)])
        monday += timedelta(weeks=1)
    line = []
    if outlook.exhausted_on:
        line = [[today.isoformat(), str(available)], [outlook.exhausted_on.isoformat(), "0.00"]]
    return {"actual": points, "forecast": line}, outlook


@dataclass(frozen=True)
class Waiting:
    bands: list[int]  # how many applications wait in each age band (authority.forecast)
    oldest: date | None
    weekends_only: bool  # a year of the span has no published holidays yet

    @property
    def total(self) -> int:
        return sum(self.bands)

    @property
    def overdue(self) -> int:
        return self.bands[-1]


def waiting(*, applications, today: date) -> Waiting:
    """Submitted applications waiting for a decision, by working days since submission."""
    per_day = dict(
        # submit_application stamps submitted_at; a row loaded without it has no age.
        applications.filter(status=Application.Status.SUBMITTED, submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    bands = [0] * (len(AGE_BANDS) + 1)
    if not per_day:
        return Waiting(bands, None, not holidays_known(today.year))
    oldest = min(per_day)
    counter = WorkingDays(min(oldest, today), today)
    for day, n in per_day.items():
        # A submission dated after today (clocks apart) has waited no time, not an error.
        bands[age_band(counter.between(min(day, today), today))] += n
    span = range(oldest.year, today.year + 1)
    return Waiting(bands, oldest, not all(holidays_known(y) for y in span))


_INDUSTRY_LABELS = dict(industries.CHOICES)  # lazy: each label in the reader's language


def _industry_name(code: str) -> str:
    return str(_INDUSTRY_LABELS.get(code, code))


def top_lists(*, vouchers) -> dict[str, list[dict]]:
    """The TOP providers, industries and districts (as declared in the application) by
    what their vouchers were awarded: face value less released. One grouped query for
    all three (its rows are the distinct provider, industry and district combinations,
    far fewer than the vouchers), summed here."""
    rows = (
        vouchers.values_list(
            "provider_id",
            "application__declaration__industry",
            "application__declaration__registered_region",
        )
        .annotate(
            awarded=Sum(F("face_value") - F("released"), output_field=MoneyField()),
            redeemed=Sum("redeemed"),
            n=Count("pk"),
        )
        .order_by()
    )
    tallies = {"providers": {}, "industries": {}, "districts": {}}
    for *keys, awarded, redeemed, n in rows:
        figures = (from_db(awarded), from_db(redeemed), n)
        for tally, key in zip(tallies.values(), keys, strict=True):
            sums = tally.get(key, (ZERO, ZERO, 0))
            tally[key] = tuple(a + b for a, b in zip(sums, figures, strict=True))
    providers = dict(Provider.objects.filter(pk__in=tallies["providers"]).values_list("pk", "name"))
    names = {"providers": providers.get, "industries": _industry_name, "districts": region_name}
    return {which: _top(tally, names[which]) for which, tally in tallies.items()}


def _top(tally: dict, name) -> list[dict]:
    """The TOP keys by what was awarded, largest first (ties by key: a stable order)."""
    ranked = sorted(tally.items(), key=lambda item: (-item[1][0], str(item[0])))
    return [
        {"label": name(key), "awarded": awarded, "redeemed": redeemed, "vouchers": n}
        for key, (awarded, redeemed, n) in ranked[:TOP]
    ]
