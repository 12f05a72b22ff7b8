"""FOCUS as it is: the specification's correction-handling samples (closed billing
period), with our link columns added (fixtures/focus/README.md), give the subsidy the
arithmetic says. A `ChargeClass=Correction` row is a delta; the platform's own
`corrects` column without it keeps its corrected-total meaning (test_corrections...)."""

from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import hypothesis
import pytest
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import strategies as st

from billing import usage_files
from billing.models import UsageRecord
from billing.reconcile import reconcile
from billing.services.exceptions import take_back_of
from tests.billing.conftest import assert_ledger_holds, issue, send, usage

SAMPLES = Path(__file__).parent / "fixtures" / "focus" / "closed-billing-period"


@pytest.fixture(autouse=True)
def file_root(settings, tmp_path):
    settings.USAGE_FILE_ROOT = tmp_path


@pytest.fixture
def may_2025(programme, company, centre, bob):
    """A voucher (rate 0.5) whose contract runs over the samples' day, 2025-05-01."""
    return issue(programme, company, centre, bob, "HT-FOCUS-2025",
                 service_start=date(2024, 6, 1), service_end=date(2025, 5, 31))  # fmt: skip


def load(centre, name: str):
    text = (SAMPLES / name).read_bytes()
    stored = usage_files.store_upload(provider=centre, chunks=[text], original_name=name)
    done = usage_files.process_usage_file(usage_file=stored)
    assert (done.status, done.rows_rejected, done.errors) == ("done", 0, [])
    reconcile()
    return done


def redeemed(voucher) -> Decimal:
    voucher.refresh_from_db()
    return voucher.redeemed


def test_a_partial_reallocation_changes_the_subsidy_by_nothing(may_2025, centre):
    load(centre, "scenario_1_partial_reallocation_original.csv")
    assert redeemed(may_2025) == Decimal("750.00")

    load(centre, "scenario_1_partial_reallocation_delta.csv")

    # -300 and +300 on the same 1,500 line: billed stays 1,500, so the subsidy stays 750.
    assert redeemed(may_2025) == Decimal("750.00")
    fixes = UsageRecord.objects.filter(corrects="s1-R-111").order_by("record_id")
    assert [(r.status, r.billed_change, r.subsidy) for r in fixes] == [
        ("redeemed", Decimal("-300.00"), Decimal("-150.00")),
        ("redeemed", Decimal("300.00"), Decimal("150.00")),
    ]
    assert_ledger_holds(may_2025.programme)


def test_late_arriving_usage_marked_as_a_correction_is_new_usage(may_2025, centre):
    load(centre, "scenario_2_late_arriving_usage_delta.csv")

    late = UsageRecord.objects.get(record_id="s2-late")
    assert (late.status, late.corrects, late.subsidy) == ("redeemed", "", Decimal("750.00"))


@pytest.mark.parametrize("scenario", ["scenario_3_itemized_cost_only", "scenario_4_bulk_cost_only"])
def test_six_place_amounts_are_kept_and_the_subsidy_rounds_down_to_the_fen(
    may_2025, centre, scenario
):
    load(centre, f"{scenario}_original.csv")
    load(centre, f"{scenario}_delta.csv")

    line = UsageRecord.objects.filter(corrects="", sku="USG-123").first()
    assert (line.billed_cost, line.amount, line.subsidy) == (
        Decimal("0.699233"),
        Decimal("0.69"),
        Decimal("0.34"),
    )
    # Six lines of 0.34; the cost-only adjustments of a tenth of a fen earn nothing.
    assert redeemed(may_2025) == Decimal("2.04")
    assert_ledger_holds(may_2025.programme)


def test_a_reallocation_sent_as_a_new_line_changes_the_subsidy_by_nothing(may_2025, centre):
    line = dict(contract="HT-FOCUS-2025", period_start="2025-05-01T00:00:00Z",
                period_end="2025-05-01T01:00:00Z")  # fmt: skip
    send(centre, [usage(record_id="o", amount="1500", **line)])
    reconcile()

    sent = send(centre, [usage(record_id="down", amount="-300", corrects="o",
                               ChargeClass="Correction", quantity="-200", **line),
                         usage(record_id="up", amount="300", ChargeClass="Correction", **line)])  # fmt: skip
    reconcile()

    assert sent == ["accepted", "accepted"]
    assert UsageRecord.objects.get(record_id="up").subsidy == Decimal("150.00")

    assert redeemed(may_2025) == Decimal("750.00")
    assert_ledger_holds(may_2025.programme)


def test_a_delta_that_would_bill_less_than_nothing_is_an_exception(may_2025, centre):
    line = dict(contract="HT-FOCUS-2025", period_start="2025-05-01T00:00:00Z",
                period_end="2025-05-01T01:00:00Z")  # fmt: skip
    send(centre, [usage(record_id="o", amount="100", **line)])
    reconcile()

    send(centre, [usage(record_id="fix", amount="-100.01", corrects="o",
                        ChargeClass="Correction", **line)])  # fmt: skip
    reconcile()

    fix = UsageRecord.objects.get(record_id="fix")
    assert (fix.status, fix.exception) == ("exception", "correction_below_zero")
    assert redeemed(may_2025) == Decimal("50.00")


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"amount": "-1", "ChargeClass": "Correction"}, "corrects", "required"),
        ({"amount": "-1"}, "amount", "out_of_range"),
        ({"amount": "1.0000001"}, "amount", "invalid_amount"),
    ],
)
def test_a_negative_amount_needs_a_correction_of_a_named_record(centre, fields, field, code):
    assert send(centre, [usage(**fields)]) == [code]


DELTAS = [("d1", "-300"), ("d2", "300"), ("d3", "-100"), ("d4", "50.25"), ("d5", "-0.01")]


@hypothesis.settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@hypothesis.given(
    order=st.permutations(range(len(DELTAS) + 1)),
    cuts=st.sets(st.integers(min_value=1, max_value=len(DELTAS))),
)
def test_deltas_add_up_whatever_order_they_arrive_in(may_2025, centre, order, cuts):
    """The original (1,500) and its deltas in any order, a reconcile after any of them,
    a delta before its original included: the line bills 1,450.24 and earns 725.12."""
    line = dict(contract="HT-FOCUS-2025", period_start="2025-05-01T00:00:00Z",
                period_end="2025-05-01T01:00:00Z", quantity="")  # fmt: skip
    sent = [usage(record_id="o", amount="1500", **line)] + [
        usage(record_id=record_id, amount=amount, corrects="o", ChargeClass="Correction", **line)
        for record_id, amount in DELTAS
    ]
    arrivals = [sent[i] for i in order]
    edges = [0, *sorted(cuts), len(arrivals)]
    with transaction.atomic():
        for a, b in pairwise(edges):
            send(centre, arrivals[a:b])
            reconcile()
        assert redeemed(may_2025) == Decimal("725.12")
        records = UsageRecord.objects.filter(provider=centre)
        assert set(records.values_list("status", flat=True)) == {"redeemed"}
        assert_ledger_holds(may_2025.programme)
        transaction.set_rollback(True)


def test_a_deltas_take_back_is_priced_on_the_lines_corrected_total(may_2025, centre):
    """What a reviewer's acceptance (or a claw-back finding) of a delta would move."""
    line = dict(contract="HT-FOCUS-2025", period_start="2025-05-01T00:00:00Z",
                period_end="2025-05-01T01:00:00Z")  # fmt: skip
    send(centre, [usage(record_id="o", amount="1500", **line),
                  usage(record_id="fix", amount="-300", corrects="o", ChargeClass="Correction",
                        quantity="", **line)])  # fmt: skip
    UsageRecord.objects.filter(record_id="fix").update(status="exception")
    reconcile()

    assert take_back_of(UsageRecord.objects.get(record_id="fix"), may_2025) == (
        Decimal("-150.00"),
        Decimal("-300.00"),
    )
