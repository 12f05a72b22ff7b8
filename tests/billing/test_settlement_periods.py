"""Statements follow the programme's settlement period: a quarterly programme (Qingyang
settles quarterly) gets one statement a quarter, a monthly one a statement a month, and
beat builds, on the 2nd of each month, every period that ended with the month before."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from billing.models import Settlement
from billing.reconcile import reconcile
from billing.settlements import (
    approve_settlement,
    build_ended_settlements,
    build_settlements,
    ended_periods,
    parse_period,
)
from config.errors import DomainError
from tests import builders
from tests.billing.conftest import assert_ledger_holds, issue, send, usage


@pytest.fixture
def quarterly(chengdu, alice, centre):
    return builders.programme(
        authority=chengdu, manager=alice, providers=[centre], code="quarterly-2024",
        settlement_period="quarterly",
    )  # fmt: skip


@pytest.fixture
def quarterly_voucher(quarterly, company, centre, bob):
    """Its contract runs a year from June 2024, so the records of early 2025 count."""
    return issue(
        quarterly, company, centre, bob, "HT-Q-001",
        service_start=date(2024, 6, 1), service_end=date(2025, 5, 31),
    )  # fmt: skip


def on(year: int, month: int, day: int = 10, **fields) -> dict:
    """A usage record of that day on the quarterly contract."""
    moment = f"{year}-{month:02d}-{day:02d}"
    return usage(
        contract="HT-Q-001", period_start=f"{moment}T00:00:00+08:00",
        period_end=f"{moment}T23:59:59+08:00", **fields,
    )  # fmt: skip


def subsidies(statement) -> dict:
    return {line.record.record_id: line.subsidy for line in statement.lines.all()}


def test_a_quarterly_programme_gets_one_statement_for_january_to_march(quarterly_voucher, centre):
    send(centre, [on(2025, 1, record_id="jan"), on(2025, 2, record_id="feb"),
                  on(2025, 3, 31, record_id="mar"), on(2025, 4, 1, record_id="apr")])  # fmt: skip
    reconcile()

    build_settlements(period="2025-Q1")
    build_settlements(period="2025-Q2")

    q1, q2 = Settlement.objects.get(period="2025-Q1"), Settlement.objects.get(period="2025-Q2")
    assert subsidies(q1) == {
        "jan": Decimal("50.00"),
        "feb": Decimal("50.00"),
        "mar": Decimal("50.00"),
    }
    assert (q1.total_billed, q1.total_subsidy) == (Decimal("300.00"), Decimal("150.00"))
    assert subsidies(q2) == {"apr": Decimal("50.00")}
    assert Settlement.objects.count() == 2
    assert_ledger_holds(quarterly_voucher.programme)


def test_a_months_build_leaves_a_quarterly_programme_alone(quarterly_voucher, centre):
    send(centre, [on(2025, 1, record_id="jan")])
    reconcile()

    assert build_settlements(period="2025-01")["settlements"] == 0
    assert not Settlement.objects.exists()


def test_a_quarters_build_leaves_a_monthly_programme_alone(voucher, centre):
    send(centre, [usage(record_id="june", day=3)])
    reconcile()

    assert build_settlements(period="2024-Q2")["settlements"] == 0
    build_settlements(period="2024-06")
    assert subsidies(Settlement.objects.get(period="2024-06")) == {"june": Decimal("50.00")}


def test_a_late_record_of_an_approved_quarter_lands_on_the_next_quarter(
    quarterly_voucher, centre, bob
):
    send(centre, [on(2025, 2, record_id="feb")])
    reconcile()
    build_settlements(period="2025-Q1")
    approve_settlement(settlement=Settlement.objects.get(period="2025-Q1"), by=bob)
    send(centre, [on(2025, 3, record_id="late-mar"), on(2025, 4, record_id="apr")])
    reconcile()

    build_settlements(period="2025-Q1")
    build_settlements(period="2025-Q2")

    assert subsidies(Settlement.objects.get(period="2025-Q1")) == {"feb": Decimal("50.00")}
    q2 = Settlement.objects.get(period="2025-Q2")
    assert subsidies(q2) == {"late-mar": Decimal("50.00"), "apr": Decimal("50.00")}


@pytest.mark.parametrize(
    ("today", "ended"),
    [
        (date(2025, 4, 2), ["2025-03", "2025-Q1"]),
        (date(2025, 5, 2), ["2025-04"]),
        (date(2025, 1, 2), ["2024-12", "2024-Q4"]),
        (date(2025, 12, 2), ["2025-11"]),
    ],
)
def test_the_periods_that_ended_are_last_month_and_the_quarter_it_closed(today, ended):
    assert ended_periods(today) == ended


def test_beat_builds_the_quarter_in_the_month_after_it_and_not_before(quarterly_voucher, centre):
    send(centre, [on(2025, 1, record_id="jan"), on(2025, 2, record_id="feb")])
    reconcile()

    assert [r["period"] for r in build_ended_settlements(today=date(2025, 3, 2))] == ["2025-02"]
    assert not Settlement.objects.exists()
    build_ended_settlements(today=date(2025, 4, 2))
    assert set(subsidies(Settlement.objects.get(period="2025-Q1"))) == {"jan", "feb"}


def test_the_command_builds_a_given_quarter(quarterly_voucher, centre, capsys):
    send(centre, [on(2025, 1, record_id="jan")])
    reconcile()

    call_command("build_settlements", "--period", "2025-Q1")

    assert "2025-Q1: 1 statements, 1 lines added" in capsys.readouterr().out
    assert Settlement.objects.get().period == "2025-Q1"


@pytest.mark.parametrize("key", ["2025-Q5", "2025-Q0", "2025-13", "2025-q1", "", "2025-Q1 "])
def test_a_bad_period_is_refused_naming_the_field(key):
    with pytest.raises(DomainError) as refused:
        parse_period(key)
    assert (refused.value.field, refused.value.code) == ("period", "invalid_period")


def test_a_quarter_runs_from_its_first_month_to_the_next_quarter():
    q4 = parse_period("2024-Q4")
    assert (q4.kind, q4.start, q4.end) == ("quarterly", date(2024, 10, 1), date(2025, 1, 1))
