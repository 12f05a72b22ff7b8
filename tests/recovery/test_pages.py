"""The claw-back pages: an officer records a finding, a finance officer a repayment, two
finance officers a write-off; other authorities get 404, other roles 403."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from billing.models import ReconciliationException, UsageRecord
from billing.reconcile import reconcile
from recovery.models import Finding, WriteOff
from recovery.services import record_finding
from tests import builders
from tests.authority.conftest import signed_in
from tests.billing.conftest import send, usage
from tests.recovery.conftest import evidence, receivable_of

LIST = reverse("recovery:receivables")
NEW = reverse("recovery:new_finding")


def find(by, amount="20.00", record_id="a"):
    record = UsageRecord.objects.get(record_id=record_id)
    return record_finding(
        record=record, amount=amount, reason="重复计费", evidence=evidence(), by=by
    )


def page_of(receivable, name="receivable"):
    return reverse(f"recovery:{name}", args=[receivable.pk])


def test_an_officer_records_a_finding_through_the_page(paid_june, centre, bob):
    answer = signed_in(bob).post(NEW, {
        "record": "a", "amount": "20.00", "reason": "审计发现重复计费", "evidence": evidence(),
    })  # fmt: skip
    assert answer.status_code == 302
    assert receivable_of(centre).balance == Decimal("20.00")
    assert answer.url == page_of(receivable_of(centre))
    listed = signed_in(bob).get(LIST)
    assert "¥20.00" in listed.content.decode()


def test_a_finding_on_an_unpaid_redemption_is_refused_on_the_form(paid_june, centre, bob):
    send(centre, [usage(record_id="j", amount="30.00", month=7)])
    reconcile()
    answer = signed_in(bob, language="en").post(NEW, {
        "record": "j", "amount": "1.00", "reason": "x", "evidence": evidence(),
    })  # fmt: skip
    assert answer.status_code == 400
    assert "no paid statement" in answer.content.decode()
    assert not Finding.objects.exists()


def test_a_clawback_case_opens_the_form_prefilled(paid_june, centre, bob):
    send(centre, [usage(record_id="a-fix", amount="60.00", corrects="a")])
    reconcile()
    case = ReconciliationException.objects.get(reason="clawback_needed")
    form = signed_in(bob).get(f"{NEW}?exception={case.pk}").context["form"]
    assert (form.initial["record"], form.initial["amount"]) == ("a", Decimal("20.00"))
    answer = signed_in(bob).post(f"{NEW}?exception={case.pk}", {
        "record": "a", "amount": "20.00", "reason": "更正", "evidence": evidence(), "exception": case.pk,
    })  # fmt: skip
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.status == "accepted"


def test_a_repayment_through_the_page(paid_june, centre, bob, fiona):
    receivable = find(bob).receivable
    answer = signed_in(fiona).post(page_of(receivable, "repay"), {
        "repay-amount": "8.00", "repay-bank_reference": "ICBC-778", "repay-repaid_on": "2024-05-30",
    })  # fmt: skip
    assert answer.status_code == 302
    assert receivable_of(centre).balance == Decimal("12.00")


def test_a_write_off_through_the_pages_needs_two_finance_officers(
    paid_june, centre, bob, fiona, frank
):
    receivable = find(bob).receivable
    asked = signed_in(fiona).post(page_of(receivable, "request_write_off"), {
        "write_off-amount": "20.00", "write_off-reason": "企业破产清算",
    })  # fmt: skip
    assert asked.status_code == 302
    waiting = WriteOff.objects.get()
    confirm = reverse("recovery:confirm_write_off", args=[waiting.pk])
    refused = signed_in(fiona, language="en").post(confirm)
    assert refused.status_code == 400
    assert "second finance officer" in refused.content.decode()
    assert receivable_of(centre).balance == Decimal("20.00")
    assert signed_in(frank).post(confirm).status_code == 302
    assert receivable_of(centre).balance == Decimal("0.00")


def test_a_reviewer_may_not_record_a_repayment(paid_june, bob):
    receivable = find(bob).receivable
    answer = signed_in(bob).post(page_of(receivable, "repay"), {
        "repay-amount": "8.00", "repay-bank_reference": "ICBC-778", "repay-repaid_on": "2024-05-30",
    })  # fmt: skip
    assert answer.status_code == 403


def test_a_programme_manager_may_not_record_a_finding(paid_june, alice):
    assert signed_in(alice).get(NEW).status_code == 403


def test_company_staff_are_not_officers(paid_june, company):
    assert signed_in(company.clerk, verified=False).get(LIST).status_code == 403


def test_another_authority_sees_nothing(paid_june, bob, dave):
    finding = find(bob)
    as_dave = signed_in(dave)
    assert as_dave.get(page_of(finding.receivable)).status_code == 404
    assert as_dave.get(reverse("recovery:evidence", args=[finding.pk])).status_code == 404
    assert "¥20.00" not in as_dave.get(LIST).content.decode()


def test_the_evidence_is_served_to_the_authority(paid_june, bob):
    finding = find(bob)
    answer = signed_in(bob).get(reverse("recovery:evidence", args=[finding.pk]))
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content).startswith(b"%PDF")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_more_findings(paid_june, centre, bob, company):
    find(bob, amount="1.00")
    client = signed_in(bob)
    once = count_queries(client, LIST)
    find(bob, amount="2.00")
    other = builders.provider(name="庆阳数据中心", credit_code=builders.credit_code(serial=7))
    paid_june.programme.providers.add(other)
    assert count_queries(client, LIST) == once
    receivable = receivable_of(centre)
    assert count_queries(client, page_of(receivable)) <= once + 4


@pytest.fixture
def frank(chengdu):
    return builders.member("frank", Membership.Role.FINANCE_OFFICER, authority=chengdu)


def test_the_portal_home_shows_what_is_owed_back(paid_june, bob, dave):
    find(bob, amount="20.00")
    home = reverse("authority:home")
    assert "¥20.00" in signed_in(bob).get(home).content.decode()
    assert "¥0.00" in signed_in(dave).get(home).content.decode()


def test_a_write_off_request_can_be_withdrawn(paid_june, centre, bob, fiona, frank):
    receivable = find(bob).receivable
    signed_in(fiona).post(page_of(receivable, "request_write_off"), {
        "write_off-amount": "20.00", "write_off-reason": "企业破产清算",
    })  # fmt: skip
    waiting = WriteOff.objects.get()
    withdraw = reverse("recovery:withdraw_write_off", args=[waiting.pk])
    assert signed_in(bob).post(withdraw).status_code == 403
    assert signed_in(frank).post(withdraw).status_code == 302
    assert not WriteOff.objects.exists()
    assert receivable_of(centre).balance == Decimal("20.00")
