"""CSV exports of the queue and the vouchers: the officer's rows as filtered, streamed in
a fixed number of queries, cells that would start a formula escaped."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import builders
from vouchers.models import Contract
from vouchers.services.applications import approve_application


def rows_of(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def formula(programme, centre):
    """An application whose contract number would be a formula in a spreadsheet."""
    application = builders.submitted_application(
        programme=programme, entity=builders.entity(name="成都公式科技有限公司"), provider=centre
    )
    Contract.objects.filter(pk=application.contract_id).update(number="=1+1")
    return application


def test_the_queue_export_has_the_filtered_rows_with_formulas_escaped(as_bob, application, formula):
    response = as_bob.get("/authority/queue.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert {row["application"] for row in rows} == {str(application.pk), str(formula.pk)}
    assert {row["contract_number"] for row in rows if row["application"] == str(formula.pk)} == {
        "'=1+1"
    }
    filtered = rows_of(as_bob.get("/authority/queue.csv?q=公式"))
    assert [row["application"] for row in filtered] == [str(formula.pk)]


def test_another_authoritys_officer_exports_none_of_ours(as_dave, application, carol):
    approve_application(application=application, by=carol)
    assert rows_of(as_dave.get("/authority/queue.csv?status=")) == []
    assert rows_of(as_dave.get("/authority/vouchers.csv")) == []


def test_the_voucher_export_has_the_amounts(as_bob, application, carol):
    voucher = approve_application(application=application, by=carol).voucher
    (row,) = rows_of(as_bob.get("/authority/vouchers.csv"))
    assert (row["code"], row["face_value"], row["remaining"]) == (
        voucher.code,
        "50000.00",
        "50000.00",
    )


def export_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        rows_of(client.get(url))
    return len(captured)


def test_the_exports_cost_the_same_queries_for_one_row_or_many(as_bob, programme, centre, carol):
    def issue(name):
        application = builders.submitted_application(
            programme=programme, entity=builders.entity(name=name), provider=centre
        )
        approve_application(application=application, by=carol)
        builders.submitted_application(
            programme=programme, entity=builders.entity(name=f"{name}二"), provider=centre
        )

    issue("成都导出科技有限公司")
    few = [
        export_queries(as_bob, url) for url in ("/authority/queue.csv", "/authority/vouchers.csv")
    ]
    for number in range(4):
        issue(f"成都导出{number}号科技有限公司")
    many = [
        export_queries(as_bob, url) for url in ("/authority/queue.csv", "/authority/vouchers.csv")
    ]
    assert many == few
