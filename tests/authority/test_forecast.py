"""The dashboard's date arithmetic: the day the budget runs out at a known pace, and
working days by China's calendar (holidays and the weekend days worked in their place)."""

from datetime import date, timedelta
from decimal import Decimal

from authority.forecast import (
    PACE_WEEKS,
    WorkingDays,
    age_band,
    forecast,
    holidays_known,
    is_working_day,
    week_of,
)

TODAY = date(2024, 6, 5)  # a Wednesday
THIS_WEEK = date(2024, 6, 3)


def weeks_before(n: int) -> date:
    return THIS_WEEK - timedelta(weeks=n)


def test_a_steady_pace_runs_the_budget_out_on_the_day_it_predicts():
    """100,000 a week for ten weeks; 1,000,000 left: ten more weeks, seventy days."""
    burn = {weeks_before(n): Decimal("100000.00") for n in range(1, 11)}

    outlook = forecast(available=Decimal("1000000.00"), burn_by_week=burn, today=TODAY)

    assert (outlook.pace, outlook.weeks) == (Decimal("100000.00"), PACE_WEEKS)
    assert outlook.exhausted_on == TODAY + timedelta(days=70)


def test_the_pace_is_the_last_eight_full_weeks_only():
    """A burst long ago and this week's half-done figures do not count; a quiet week
    counts as nothing burnt."""
    burn = {weeks_before(n): Decimal("80000.00") for n in range(1, 8)}  # 7 of the 8 weeks
    burn[weeks_before(9)] = Decimal("5000000.00")
    burn[THIS_WEEK] = Decimal("999999.00")

    outlook = forecast(available=Decimal("70000.00"), burn_by_week=burn, today=TODAY)

    assert outlook.pace == Decimal("70000.00")  # 7 x 80,000 / 8
    assert outlook.exhausted_on == TODAY + timedelta(days=7)


def test_a_young_programme_averages_over_the_weeks_since_its_first_commitment():
    burn = {weeks_before(2): Decimal("30000.00"), weeks_before(1): Decimal("10000.00")}

    outlook = forecast(available=Decimal("40000.00"), burn_by_week=burn, today=TODAY)

    assert (outlook.pace, outlook.weeks) == (Decimal("20000.00"), 2)
    assert outlook.exhausted_on == TODAY + timedelta(days=14)


def test_a_part_of_a_day_left_counts_as_a_whole_day():
    burn = {weeks_before(1): Decimal("7000.00")}

    outlook = forecast(available=Decimal("1500.00"), burn_by_week=burn, today=TODAY)

    assert outlook.exhausted_on == TODAY + timedelta(days=2)  # 1.5 days


def test_no_date_when_releases_outweigh_commitments_or_nothing_is_left_or_too_early():
    giving_back = {weeks_before(1): Decimal("-500.00")}
    assert (
        forecast(available=Decimal("10.00"), burn_by_week=giving_back, today=TODAY).exhausted_on
        is None
    )
    used_up = {weeks_before(1): Decimal("500.00")}
    assert (
        forecast(available=Decimal("0.00"), burn_by_week=used_up, today=TODAY).exhausted_on is None
    )
    this_week_only = {THIS_WEEK: Decimal("500.00")}
    too_early = forecast(available=Decimal("10.00"), burn_by_week=this_week_only, today=TODAY)
    assert (too_early.weeks, too_early.exhausted_on) == (0, None)


def test_weeks_start_on_monday():
    assert week_of(date(2024, 6, 9)) == week_of(date(2024, 6, 3)) == date(2024, 6, 3)


def test_national_day_is_a_holiday_and_the_saturday_worked_in_its_place_a_working_day():
    assert not is_working_day(date(2024, 10, 1))
    assert is_working_day(date(2024, 10, 12))  # a Saturday worked for the National Day week
    assert not is_working_day(date(2024, 10, 13))


def test_a_year_without_published_holidays_counts_weekends_only():
    assert not holidays_known(2040)
    assert is_working_day(date(2040, 10, 1))  # a Monday
    assert not is_working_day(date(2040, 10, 6))  # a Saturday


def test_an_application_filed_on_friday_has_waited_one_working_day_on_monday():
    counter = WorkingDays(date(2024, 5, 31), date(2024, 6, 30))
    assert counter.between(date(2024, 5, 31), date(2024, 6, 3)) == 1
    assert counter.between(date(2024, 6, 3), date(2024, 6, 3)) == 0


def test_the_dragon_boat_festival_does_not_count_as_a_working_day():
    """2024-06-10 (Monday) was the holiday: filed Friday the 7th, on Tuesday the 11th one
    working day has passed, not two."""
    counter = WorkingDays(date(2024, 6, 1), date(2024, 6, 30))
    assert counter.between(date(2024, 6, 7), date(2024, 6, 11)) == 1


def test_age_bands_put_over_fifteen_working_days_last():
    assert [age_band(d) for d in (0, 5, 6, 10, 11, 15, 16, 60)] == [0, 0, 1, 1, 2, 2, 3, 3]
