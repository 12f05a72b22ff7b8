"""GET /api/v1/settlements and /api/v1/settlements/{id}, as JSON and as CSV."""

import csv
import io

import pytest

from billing.models import Settlement
from billing.reconcile import reconcile
from billing.settlements import build_settlements
from tests.billing.api.helpers import error_of, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(api, voucher):
    """June 2024: two records of 200.00 and 100.01 billed, 50% subsidised (rounded down)."""
    sent = [record(voucher.contract.number, "200.00"), record(voucher.contract.number, "100.01")]
    response = api.post("/api/v1/usage-records", {"records": sent}, format="json")
    assert [r["status"] for r in response.json()["results"]] == ["accepted", "accepted"]
    reconcile()
    build_settlements(period="2024-06")
    statement = Settlement.objects.get()
    statement.sent = sent
    return statement


def test_it_lists_the_providers_statements_with_their_lines(api, statement, voucher):
    body = api.get("/api/v1/settlements").json()
    assert body["count"] == 1
    [listed] = body["results"]
    assert {k: listed[k] for k in listed if k != "lines"} == {
        "id": statement.pk,
        "programme": voucher.programme.code,
        "period": "2024-06",
        "status": "draft",
        "total_billed": "300.01",
        "total_subsidy": "150.00",
    }
    assert [(line["record_id"], line["billed"], line["subsidy"]) for line in listed["lines"]] == [
        (statement.sent[0]["record_id"], "200.00", "100.00"),
        (statement.sent[1]["record_id"], "100.01", "50.00"),
    ]
    assert listed["lines"][0]["voucher_code"] == voucher.code


def test_one_statement_reads_the_same_as_in_the_list(api, statement):
    listed = api.get("/api/v1/settlements").json()["results"][0]
    assert api.get(f"/api/v1/settlements/{statement.pk}").json() == listed


def test_a_statement_as_csv_has_one_row_per_line(api, statement):
    response = api.get(f"/api/v1/settlements/{statement.pk}", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["record_id"], r["billed"], r["subsidy"], r["period"]) for r in rows] == [
        (statement.sent[0]["record_id"], "200.00", "100.00", "2024-06"),
        (statement.sent[1]["record_id"], "100.01", "50.00", "2024-06"),
    ]


def test_the_list_as_csv_has_one_row_per_statement(api, statement):
    response = api.get("/api/v1/settlements", HTTP_ACCEPT="text/csv")
    [row] = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert (row["id"], row["total_subsidy"], row["lines"]) == (str(statement.pk), "150.00", "2")


def test_an_empty_list_as_csv_still_has_its_header(rival_api, statement):
    response = rival_api.get("/api/v1/settlements", HTTP_ACCEPT="text/csv")
    assert response.content.decode().strip().split(",")[:3] == ["id", "programme", "period"]


def test_another_providers_statement_is_not_found_or_listed(rival_api, statement):
    assert rival_api.get("/api/v1/settlements").json()["count"] == 0
    response = rival_api.get(f"/api/v1/settlements/{statement.pk}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_unknown_format_is_not_acceptable(api, statement):
    response = api.get("/api/v1/settlements", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406


def test_a_statement_as_csv_shows_a_formula_in_a_record_id_as_text(api, voucher):
    sent = record(voucher.contract.number, "200.00", record_id='=HYPERLINK("http://evil")')
    api.post("/api/v1/usage-records", {"records": [sent]}, format="json")
    reconcile()
    build_settlements(period="2024-06")
    statement = Settlement.objects.get()
    response = api.get(f"/api/v1/settlements/{statement.pk}", HTTP_ACCEPT="text/csv")
    [row] = list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))
    assert row["record_id"] == "'" + sent["record_id"]
