"""A statement presented as a line per voucher: its records, what they billed, the
corrections' changes to that bill and the subsidy, exact to the fen, in one query."""

from decimal import Decimal

import pytest

from billing.models import Settlement
from billing.reconcile import reconcile
from billing.selectors import line_totals, statement_by_voucher
from billing.settlements import build_settlements
from tests.billing.conftest import issue, send, usage


@pytest.fixture
def second_voucher(programme, company, centre, bob):
    return issue(programme, company, centre, bob, "HT-2024-002")


@pytest.fixture
def june(voucher, second_voucher, centre):
    """HT-2024-001 billed 100 and 0.03, then corrected 100 -> 80; HT-2024-002 billed 60."""
    send(centre, [usage(record_id="a", amount="100.00", day=3), usage(record_id="b", amount="0.03", day=30),
                  usage(record_id="c", contract="HT-2024-002", amount="60.00", day=4)])  # fmt: skip
    reconcile()
    send(centre, [usage(record_id="a-fix", amount="80.00", corrects="a", day=3)])
    reconcile()
    build_settlements(period="2024-06")
    return Settlement.objects.get(period="2024-06")


def test_each_voucher_has_one_line_with_its_billed_corrections_and_subsidy(
    june, voucher, second_voucher
):
    lines = statement_by_voucher(settlement=june)

    assert [(line["voucher_code"], line["contract_number"], line["records"]) for line in lines] == sorted(
        [(voucher.code, "HT-2024-001", 3), (second_voucher.code, "HT-2024-002", 1)]
    )  # fmt: skip
    by_code = {line["voucher_code"]: line for line in lines}
    first, second = by_code[voucher.code], by_code[second_voucher.code]
    assert (first["billed"], first["corrections"], first["subsidy"]) == (
        Decimal("100.03"), Decimal("-20.00"), Decimal("40.01"),
    )  # fmt: skip
    assert (second["billed"], second["corrections"], second["subsidy"]) == (
        Decimal("60.00"), Decimal("0.00"), Decimal("30.00"),
    )  # fmt: skip
    assert first["entity"] == voucher.entity.name


def test_the_lines_add_up_to_the_statements_totals(june):
    lines = statement_by_voucher(settlement=june)

    assert sum(line["billed"] + line["corrections"] for line in lines) == june.total_billed
    assert sum(line["subsidy"] for line in lines) == june.total_subsidy == Decimal("70.01")
    totals = line_totals(lines)
    assert (totals["billed"], totals["corrections"]) == (Decimal("160.03"), Decimal("-20.00"))
    assert totals["billed"] + totals["corrections"] == june.total_billed


def test_the_lines_take_one_query_whatever_the_records(june, django_assert_num_queries):
    with django_assert_num_queries(1):
        statement_by_voucher(settlement=june)


def test_another_statements_lines_are_not_counted(june, centre):
    send(centre, [usage(record_id="july", amount="40.00", month=7)])
    reconcile()
    build_settlements(period="2024-07")

    july = Settlement.objects.get(period="2024-07")
    assert [line["records"] for line in statement_by_voucher(settlement=july)] == [1]
    assert sum(line["records"] for line in statement_by_voucher(settlement=june)) == 4
