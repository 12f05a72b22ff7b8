"""The provider's statement: a line per voucher (billed, corrections, subsidy), printable,
as CSV and XLSX with formulas escaped, only the provider's own, in a fixed number of
queries whatever its lines."""

import csv
import io
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Entity
from billing.reconcile import reconcile
from billing.selectors import STATEMENT_COLUMNS
from billing.settlements import build_settlements
from tests.authority.test_xlsx_exports import records_of, sheet_of
from tests.billing.conftest import issue, send, usage
from tests.provider.conftest import *  # noqa: F403 (the personas)


def url(world, tail="") -> str:
    return f"/provider/statements/{world.statement.pk}/{tail}"


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_page_shows_a_line_per_voucher_with_its_totals(as_erin_en, world):
    page = as_erin_en.get(url(world)).content.decode()

    assert "Lines by voucher" in page and "Corrections" in page
    assert page.count('<td data-label="Records" class="text-end">2</td>') == 1
    assert "¥150.00" in page and "¥75.00" in page
    assert "2024-06 (Monthly)" in page


def test_the_page_hides_its_menu_and_buttons_when_printed(as_erin, world):
    page = as_erin.get(url(world)).content.decode()

    assert 'class="d-flex flex-wrap gap-2 mb-3 d-print-none"' in page
    assert "@media print" in Path("web/static/web/site.css").read_text()


def test_the_csv_has_a_row_per_voucher_with_formulas_escaped(as_erin, world):
    Entity.objects.filter(pk=world.voucher.entity_id).update(name="=HYPERLINK(1)")

    response = as_erin.get(url(world, "statement.csv"))

    assert 'filename="statement-' in response["Content-Disposition"]
    (row,) = csv_rows(response)
    assert list(row) == list(STATEMENT_COLUMNS)
    assert (row["voucher"], row["records"], row["billed"], row["corrections"], row["subsidy"]) == (
        world.voucher.code, "2", "150.00", "0.00", "75.00",
    )  # fmt: skip
    assert row["entity"] == "'=HYPERLINK(1)"


def test_the_xlsx_has_the_same_rows_and_no_formula(as_erin, world):
    Entity.objects.filter(pk=world.voucher.entity_id).update(name="@HYPERLINK(1)")

    response = as_erin.get(url(world, "statement.xlsx"))

    (row,) = records_of(response)
    assert (row["voucher"], row["subsidy"], row["entity"]) == (
        world.voucher.code, "75.00", "'@HYPERLINK(1)",
    )  # fmt: skip
    assert all(
        not cell.startswith("=")
        for line in sheet_of(as_erin.get(url(world, "statement.xlsx")))
        for cell in line
    )


@pytest.mark.parametrize("tail", ["", "statement.csv", "statement.xlsx", "lines.csv"])
def test_another_providers_statement_is_not_found(as_erin, world, theirs, tail):
    assert as_erin.get(f"/provider/statements/{theirs.statement.pk}/{tail}").status_code == 404


@pytest.mark.parametrize("tail", ["", "statement.csv", "statement.xlsx"])
def test_another_authoritys_officer_is_refused(world, tail, dave):
    from tests.authority.conftest import signed_in

    assert signed_in(dave).get(url(world, tail)).status_code == 403


def queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


@pytest.mark.parametrize("tail", ["", "statement.csv"])
def test_the_statement_reads_as_many_queries_for_many_vouchers_as_for_one(
    as_erin, world, programme, company, centre, bob, tail
):
    few = queries(as_erin, url(world, tail))
    for n in range(3):
        issue(programme, company, centre, bob, f"HT-MORE-{n}")
        send(
            centre,
            [
                usage(record_id=f"more-{n}-{i}", contract=f"HT-MORE-{n}", day=6 + i)
                for i in range(3)
            ],
        )
    reconcile()
    build_settlements(period="2024-06")

    assert queries(as_erin, url(world, tail)) == few
