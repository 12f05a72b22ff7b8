"""The audit log viewer: the officer's own programmes' events only, filtered by actor,
object, action and days, exported as CSV and XLSX with formulas escaped, in a fixed
number of queries; company and provider staff are refused."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from payments.models import PaymentBatch
from tests import builders
from tests.authority.conftest import signed_in
from tests.authority.test_xlsx_exports import records_of
from vouchers.services.applications import approve_application
from vouchers.services.closing import revoke_voucher


@pytest.fixture
def voucher(application, carol):
    return approve_application(application=application, by=carol).voucher


@pytest.fixture
def theirs(hangzhou, dave, centre):
    """Hangzhou's programme and an approval there: events Chengdu must never see."""
    manager = builders.member("henry", "programme_manager", authority=hangzhou)
    programme = builders.programme(authority=hangzhou, manager=manager, providers=[centre])
    application = builders.submitted_application(
        programme=programme, entity=builders.entity(name="杭州某科技有限公司"), provider=centre
    )
    approve_application(application=application, by=dave)
    return programme


def events_of(client, query=""):
    return list(client.get(f"/authority/audit/{query}").context["page"])


def test_an_officer_sees_only_their_own_programmes_events(as_bob, as_dave, voucher, theirs):
    ours = events_of(as_bob)
    assert ours and {event.programme_id for event in ours} == {voucher.programme_id}
    assert {event.programme_id for event in events_of(as_dave)} == {theirs.pk}
    exported = rows_of(as_bob.get("/authority/audit.csv"))
    assert {row["programme"] for row in exported} == {voucher.programme.code}
    hangzhou_code = theirs.code
    assert not events_of(as_bob, f"?programme={theirs.pk}")
    assert hangzhou_code not in as_bob.get("/authority/audit/?actor=dave").content.decode()


def test_the_log_filters_by_actor_object_action_and_days(as_bob, voucher):
    by_carol = events_of(as_bob, "?actor=CAROL")
    assert by_carol and {event.actor.username for event in by_carol} == {"carol"}
    of_voucher = events_of(as_bob, f"?object_type=Voucher&object_id={voucher.pk}")
    assert [event.action for event in of_voucher] == ["voucher.issue"]
    ledger = events_of(as_bob, "?action=ledger.")
    assert {event.action for event in ledger} == {"ledger.fund", "ledger.commit"}
    today = timezone.localtime().date()
    assert len(events_of(as_bob, f"?since={today}&until={today}")) == len(events_of(as_bob))
    assert not events_of(as_bob, f"?until={today - timedelta(days=1)}")
    assert not events_of(as_bob, f"?since={today + timedelta(days=1)}")


def rows_of(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def formula_officer(chengdu):
    """An officer whose user name (a valid Django user name) would start a formula."""
    return builders.member("@fiona", "reviewer", authority=chengdu)


def test_the_exports_escape_formulas(as_bob, voucher, formula_officer):
    revoke_voucher(voucher=voucher, by=formula_officer, reason="=HYPERLINK(1)")
    (csv_row,) = rows_of(as_bob.get("/authority/audit.csv?action=voucher.revoke"))
    (xlsx_row,) = records_of(as_bob.get("/authority/audit.xlsx?action=voucher.revoke"))

    for row in (csv_row, xlsx_row):
        assert (row["actor"], row["object_id"]) == ("'@fiona", str(voucher.pk))
        assert "=HYPERLINK(1)" in row["after"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


def test_the_log_and_its_exports_take_the_same_queries_for_few_events_or_many(
    as_bob, voucher, programme, company, centre, bob
):
    urls = ["/authority/audit/", "/authority/audit.csv", "/authority/audit.xlsx"]
    few = [count_queries(as_bob, url) for url in urls]
    for _ in range(12):
        builders.submitted_application(programme=programme, entity=company, provider=centre)
    assert AuditEvent.objects.count() > 40

    assert [count_queries(as_bob, url) for url in urls] == few


def test_company_and_provider_staff_are_refused(voucher, company, centre_engineer):
    for user in (company.clerk, centre_engineer):
        client = signed_in(user)
        for url in ("/authority/audit/", "/authority/audit.csv", "/authority/audit.xlsx"):
            assert client.get(url).status_code == 403, url


def test_a_payment_batchs_events_show_to_its_authority_only(as_bob, as_dave, voucher, frank):
    """A batch pays several programmes at once, so its events name no programme."""
    batch = PaymentBatch.objects.create(authority=voucher.programme.authority, prepared_by=frank)
    prepared = AuditEvent.objects.create(
        actor=frank, action="payment_batch.prepare", object_type="paymentbatch",
        object_id=str(batch.pk),
    )  # fmt: skip

    assert events_of(as_bob, "?object_type=paymentbatch") == [prepared]
    assert not events_of(as_dave, "?object_type=paymentbatch")
