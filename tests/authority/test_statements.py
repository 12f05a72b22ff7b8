"""Provider statements in the government portal: listed by programme, period and status;
one statement by voucher, printable, as CSV and XLSX; approved by a reviewer or finance
officer of the programme's authority and nobody else; another authority's statement is
not found; company and provider staff are refused; a fixed number of queries."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Entity, Membership
from audit.models import AuditEvent
from billing.models import Settlement
from billing.reconcile import reconcile
from billing.selectors import STATEMENT_COLUMNS
from billing.settlements import approve_settlement, build_settlements
from payments.services import batches
from payments.services.bank_details import change_bank_details
from tests import builders
from tests.authority.conftest import signed_in
from tests.authority.test_xlsx_exports import records_of
from tests.billing.conftest import issue, send, usage


@pytest.fixture
def june(programme, company, centre, bob):
    """The centre's June statement: one voucher, records of 100 and 50 yuan."""
    voucher = issue(programme, company, centre, bob, "HT-2024-001")
    send(centre, [usage(record_id="june-1", amount="100.00", day=3),
                  usage(record_id="june-2", amount="50.00", day=5)])  # fmt: skip
    reconcile()
    build_settlements(period="2024-06")
    statement = Settlement.objects.get(period="2024-06")
    statement.voucher = voucher
    return statement


@pytest.fixture
def hangzhous(hangzhou, centre):
    """A statement of Hangzhou's programme, which Chengdu's officers must never reach."""
    manager = builders.member("harry", Membership.Role.PROGRAMME_MANAGER, authority=hangzhou)
    theirs = builders.programme(
        authority=hangzhou, manager=manager, providers=[centre], code="hz-2024"
    )
    return Settlement.objects.create(provider=centre, programme=theirs, period="2024-05")


def url(statement, tail="") -> str:
    return f"/authority/statements/{statement.pk}/{tail}"


def test_the_list_shows_the_authoritys_statements_only(as_bob, june, hangzhous):
    page = as_bob.get("/authority/statements/").content.decode()

    assert url(june) in page
    assert url(hangzhous) not in page


@pytest.mark.parametrize(
    ("query", "found"),
    [("status=draft", True), ("status=approved", False), ("period=2024-06", True),
     ("period=2024", True), ("period=2024-Q2", False)],
)  # fmt: skip
def test_the_list_filters_by_status_and_period(as_bob, june, query, found):
    page = as_bob.get(f"/authority/statements/?{query}").content.decode()

    assert (url(june) in page) is found


def test_the_statement_page_shows_a_line_per_voucher_in_english(as_bob_en, june):
    page = as_bob_en.get(url(june)).content.decode()

    assert "Lines by voucher" in page and "2024-06 (Monthly)" in page
    assert '<td data-label="Records" class="text-end">2</td>' in page
    assert "¥150.00" in page and "¥75.00" in page
    assert 'data-testid="approve-statement"' in page


def test_the_statement_page_is_in_chinese_by_default(as_bob, june):
    assert "按券明细" in as_bob.get(url(june)).content.decode()


@pytest.mark.parametrize("officer", ["as_bob", "as_frank"])
def test_a_reviewer_or_finance_officer_approves_the_statement(officer, june, request):
    client = request.getfixturevalue(officer)

    response = client.post(url(june, "approve/"))

    assert response.status_code == 302
    june.refresh_from_db()
    assert june.status == "approved"
    assert AuditEvent.objects.filter(action="settlement.approve", object_id=str(june.pk)).exists()


def test_the_programme_manager_is_not_offered_approval_and_is_refused(as_alice, june):
    assert 'data-testid="approve-statement"' not in as_alice.get(url(june)).content.decode()

    assert as_alice.post(url(june, "approve/")).status_code == 403
    june.refresh_from_db()
    assert june.status == "draft"


def test_an_approved_statement_is_not_approved_twice(as_bob, as_frank, june):
    as_bob.post(url(june, "approve/"))

    page = as_frank.post(url(june, "approve/"), follow=True).content.decode()

    assert 'data-testid="approve-statement"' not in page
    assert Settlement.objects.get(pk=june.pk).approved_by.username == "bob"


def test_approval_is_a_post(as_bob, june):
    assert as_bob.get(url(june, "approve/")).status_code == 405


@pytest.mark.parametrize("tail", ["", "statement.csv", "statement.xlsx"])
def test_another_authoritys_statement_is_not_found(as_bob, hangzhous, tail):
    assert as_bob.get(url(hangzhous, tail)).status_code == 404


def test_another_authoritys_statement_cannot_be_approved(as_bob, hangzhous):
    assert as_bob.post(url(hangzhous, "approve/")).status_code == 404
    assert Settlement.objects.get(pk=hangzhous.pk).status == "draft"


@pytest.mark.parametrize("tail", ["", "statement.csv", "statement.xlsx"])
def test_company_and_provider_staff_are_refused(june, company, centre_engineer, tail):
    for user in (company.clerk, centre_engineer):
        assert signed_in(user, verified=False).get(url(june, tail)).status_code == 403
    assert Client().get(url(june, tail)).status_code == 302  # to the login page


def test_the_csv_has_a_row_per_voucher_with_formulas_escaped(as_bob, june):
    Entity.objects.filter(pk=june.voucher.entity_id).update(name="+HYPERLINK(1)")

    response = as_bob.get(url(june, "statement.csv"))

    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    (row,) = csv.DictReader(io.StringIO(text))
    assert list(row) == list(STATEMENT_COLUMNS)
    assert (row["voucher"], row["billed"], row["subsidy"], row["entity"]) == (
        june.voucher.code, "150.00", "75.00", "'+HYPERLINK(1)",
    )  # fmt: skip


def test_the_xlsx_has_the_same_row(as_bob, june):
    Entity.objects.filter(pk=june.voucher.entity_id).update(name="=HYPERLINK(1)")

    (row,) = records_of(as_bob.get(url(june, "statement.xlsx")))

    assert (row["voucher"], row["records"], row["corrections"], row["entity"]) == (
        june.voucher.code, "2", "0.00", "'=HYPERLINK(1)",
    )  # fmt: skip


def queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def more(programme, company, centre, bob, n=3):
    """More vouchers and records on the June statement, and more statements."""
    for i in range(n):
        issue(programme, company, centre, bob, f"HT-MORE-{i}")
        send(
            centre,
            [
                usage(record_id=f"more-{i}-{d}", contract=f"HT-MORE-{i}", day=6 + d)
                for d in range(3)
            ],
        )
        other = builders.provider(name=f"算力中心{i}")
        Settlement.objects.create(provider=other, programme=programme, period=f"2024-0{i + 1}")
    reconcile()
    build_settlements(period="2024-06")


@pytest.mark.parametrize("tail", ["list", "", "statement.csv"])
def test_the_pages_read_as_many_queries_for_many_rows_as_for_one(
    as_bob, june, programme, company, centre, bob, tail
):
    address = "/authority/statements/" if tail == "list" else url(june, tail)
    few = queries(as_bob, address)
    more(programme, company, centre, bob)

    assert queries(as_bob, address) == few


def test_a_statement_paid_in_a_batch_shows_its_bank_reference_and_day(
    as_bob_en, june, bob, chengdu, centre, centre_engineer
):
    fiona = builders.member("fiona", Membership.Role.FINANCE_OFFICER, authority=chengdu)
    frank = builders.member("frank", Membership.Role.FINANCE_OFFICER, authority=chengdu)
    approve_settlement(settlement=june, by=bob)
    change_bank_details(
        payee=centre, account_name="成都智算中心", bank_name="建设银行天府支行",
        account_number="4400-1234-5678-9012", by=centre_engineer,
    )  # fmt: skip
    batch = batches.prepare_batch(authority=chengdu, by=fiona, statement_ids=[june.pk])
    batches.approve_batch(batch=batch, by=frank)
    (line,) = batch.lines.all()
    batches.pay_batch(batch=batch, references={line.pk: ("BANK-0042", date(2024, 6, 1))}, by=fiona)

    page = as_bob_en.get(url(june)).content.decode()

    assert 'data-testid="bank-reference">BANK-0042<' in page
    assert 'data-status="paid"' in page and "June 1, 2024" in page


def test_a_claw_back_offset_shows_what_is_left_to_pay(as_bob_en, june, bob):
    approve_settlement(settlement=june, by=bob)
    Settlement.objects.filter(pk=june.pk).update(offset=Decimal("20.00"))

    page = as_bob_en.get(url(june)).content.decode()

    assert 'data-testid="offset">¥20.00<' in page and 'data-testid="net">¥55.00<' in page
    assert "bank-reference" not in page


def test_a_filtered_list_asked_by_htmx_is_its_rows_only(as_bob, june):
    rows = as_bob.get("/authority/statements/?status=draft", headers={"HX-Request": "true"})

    assert url(june) in rows.content.decode() and "<html" not in rows.content.decode()
