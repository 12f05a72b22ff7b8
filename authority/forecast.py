"""The dashboard's arithmetic on dates: when the budget runs out at the recent pace, and
how many working days an application has waited. Pure functions, no database.

Working days: Monday to Friday, less China's public holidays and plus the weekend days
worked in their place (调休), from the State Council's yearly notice as the
chinese-calendar package carries it. For a year the package does not cover yet, weekends
only (`holidays_known` says which years are covered, and the page says so).
"""

import math
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

import chinese_calendar

from vouchers.money import ZERO, round_down

PACE_WEEKS = 8
OVERDUE_WORKING_DAYS = 15
_HOLIDAY_YEARS = {day.year for day in chinese_calendar.holidays}


def week_of(day: date) -> date:
    """The Monday that starts `day`'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Forecast:
    pace: Decimal  # average net commitment a week over `weeks` full weeks
    weeks: int  # how many full weeks the pace is the average of (0: too early to tell)
    exhausted_on: date | None  # None: nothing left to run out, or nothing burns


def forecast(*, available: Decimal, burn_by_week: dict[date, Decimal], today: date) -> Forecast:
    """At the average weekly burn of the last PACE_WEEKS full weeks (fewer if the first
    burn was more recent; weeks without any count as nothing burnt), the day the
    available budget reaches zero. `burn_by_week` maps a week's Monday to what it took
    out of the available budget, less what came back (releases)."""
    this_week = week_of(today)
    first = min(burn_by_week, default=this_week)
    weeks = min(PACE_WEEKS, (this_week - first).days // 7)
    if weeks <= 0:
        return Forecast(ZERO, 0, None)
    window = [this_week - timedelta(weeks=n) for n in range(1, weeks + 1)]
    pace = round_down(sum((burn_by_week.get(w, ZERO) for w in window), ZERO) / weeks)
    if available <= 0 or pace <= 0:
        return Forecast(pace, weeks, None)
    return Forecast(pace, weeks, today + timedelta(days=math.ceil(available / pace * 7)))


def holidays_known(year: int) -> bool:
    return year in _HOLIDAY_YEARS


def is_working_day(day: date) -> bool:
    if holidays_known(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


class WorkingDays:
    """Working days between dates from `start` to `end`, counted once: a page asks about
    hundreds of submission dates."""

    def __init__(self, start: date, end: date):
        self.start = start
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        self._upto = list(accumulate(int(is_working_day(d)) for d in days))

    def _count_upto(self, day: date) -> int:
        return self._upto[(day - self.start).days] if day >= self.start else 0

    def between(self, earlier: date, later: date) -> int:
        """Working days after `earlier`, up to and including `later`: an application
        filed on Friday has waited one working day on Monday."""
        return max(0, self._count_upto(later) - self._count_upto(earlier))


AGE_BANDS = (5, 10, OVERDUE_WORKING_DAYS)  # upper bounds, inclusive; the last band is open


def age_band(working_days: int) -> int:
    """0: up to 5 working days, 1: 6-10, 2: 11-15, 3: over 15 (overdue)."""
    return bisect_left(AGE_BANDS, working_days)
