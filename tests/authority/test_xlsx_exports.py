"""XLSX exports of the queue and the vouchers: the same rows as the CSV, every text cell
that would start a formula escaped, and a fixed number of queries whatever the rows."""

import io
import zipfile
from xml.etree import ElementTree

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import builders
from vouchers.models import Contract
from vouchers.services.applications import approve_application

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sheet_of(response) -> list[list[str]]:
    """The first worksheet's rows as text (constant-memory mode writes inline strings)."""
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    root = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    return [
        ["".join(cell.itertext()) for cell in row.iter(f"{SHEET}c")]
        for row in root.iter(f"{SHEET}row")
    ]


def records_of(response) -> list[dict]:
    header, *rows = sheet_of(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_queue_spreadsheet_has_the_rows_with_formulas_escaped(as_bob, programme, centre):
    application = builders.submitted_application(
        programme=programme, entity=builders.entity(name="@成都公式科技有限公司"), provider=centre
    )
    Contract.objects.filter(pk=application.contract_id).update(number="=HYPERLINK(1)")
    response = as_bob.get("/authority/queue.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="queue.xlsx"' in response["Content-Disposition"]
    (row,) = records_of(response)
    assert (row["contract_number"], row["entity"]) == ("'=HYPERLINK(1)", "'@成都公式科技有限公司")


def test_no_cell_of_the_spreadsheet_is_a_formula(as_bob, programme, centre):
    application = builders.submitted_application(
        programme=programme, entity=builders.entity(name="成都制表科技有限公司"), provider=centre
    )
    Contract.objects.filter(pk=application.contract_id).update(number="\t=1+1")
    content = b"".join(as_bob.get("/authority/queue.xlsx").streaming_content)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet


def test_the_voucher_spreadsheet_has_the_amounts(as_bob, application, carol):
    voucher = approve_application(application=application, by=carol).voucher
    (row,) = records_of(as_bob.get("/authority/vouchers.xlsx"))
    assert (row["code"], row["face_value"], row["remaining"]) == (
        voucher.code,
        "50000.00",
        "50000.00",
    )


def test_another_authoritys_officer_gets_an_empty_spreadsheet(as_dave, application, carol):
    approve_application(application=application, by=carol)
    assert records_of(as_dave.get("/authority/queue.xlsx?status=")) == []
    assert records_of(as_dave.get("/authority/vouchers.xlsx")) == []


def test_a_company_user_gets_no_spreadsheet(client, company):
    client.force_login(company.clerk)
    assert client.get("/authority/queue.xlsx").status_code == 403


def export_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        sheet_of(client.get(url))
    return len(captured)


def test_the_spreadsheets_cost_the_same_queries_for_one_row_or_many(
    as_bob, programme, centre, carol
):
    urls = ("/authority/queue.xlsx", "/authority/vouchers.xlsx")

    def issue(name):
        application = builders.submitted_application(
            programme=programme, entity=builders.entity(name=name), provider=centre
        )
        approve_application(application=application, by=carol)
        builders.submitted_application(
            programme=programme, entity=builders.entity(name=f"{name}二"), provider=centre
        )

    issue("成都表格科技有限公司")
    few = [export_queries(as_bob, url) for url in urls]
    for number in range(4):
        issue(f"成都表格{number}号科技有限公司")
    assert [export_queries(as_bob, url) for url in urls] == few
