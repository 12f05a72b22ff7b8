"""A voucher's ledger trace: its yuan from the budget to the provider's payment, each
entry with the audit event the ledger wrote and who acted; a fixed number of queries
whatever the number of entries; only the voucher's own authority sees it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Settlement
from billing.reconcile import reconcile
from billing.settlements import approve_settlement, build_settlements
from payments.services.bank_details import change_bank_details
from payments.services.batches import approve_batch, pay_batch, prepare_batch
from tests import builders
from tests.authority.conftest import signed_in
from tests.billing.conftest import send, usage
from vouchers.models import LedgerEntry
from vouchers.services.applications import approve_application
from vouchers.services.redemption import redeem


@pytest.fixture
def voucher(application, carol):
    """星河's voucher of 50,000 yuan at rate 0.5, approved by carol."""
    return approve_application(application=application, by=carol).voucher


@pytest.fixture
def paid_june(voucher, centre, bob, frank):
    """June's usage (100.00 and 0.03 billed: 50.01 of subsidy) reconciled, put on the
    centre's June statement, approved by bob and paid by frank."""
    number = voucher.contract.number
    send(centre, [usage(number, record_id="a", amount="100.00", day=3),
                  usage(number, record_id="b", amount="0.03")])  # fmt: skip
    reconcile()
    build_settlements(period="2024-06")
    june = Settlement.objects.get(period="2024-06")
    approve_settlement(settlement=june, by=bob)
    return builders.paid_through_batch(june, by=frank)


def trace_of(client, voucher, page=1):
    return client.get(f"/authority/vouchers/{voucher.pk}/trace/?page={page}")


def test_the_trace_follows_the_yuan_from_the_budget_to_the_payment(as_bob_en, voucher, paid_june):
    response = trace_of(as_bob_en, voucher)

    assert response.status_code == 200
    stages = response.context["stages"]
    assert stages == {
        "budget": voucher.programme.total_budget,
        "committed": Decimal("50000.00"),
        "reserve": Decimal("49949.99"),
        "redeemed": Decimal("50.01"),
        "payable": Decimal("0"),
        "released": Decimal("0"),
        "paid": Decimal("50.01"),
    }
    flow = [
        (row["kind"], row["source"], row["target"], row["total"])
        for row in response.context["flow"]
    ]
    assert flow == [
        ("Commit", "Available", "Voucher reserve", Decimal("50000.00")),
        ("Redeem", "Voucher reserve", "Redeemed", Decimal("50.01")),
    ]
    (statement,) = response.context["settled"]["statements"]
    assert (statement["settlement_id"], statement["subsidy"]) == (paid_june.pk, Decimal("50.01"))


def test_each_entry_shows_its_audit_event_and_actor(as_bob, voucher, paid_june, frank):
    response = trace_of(as_bob, voucher)

    entries = response.context["page"].object_list
    assert [(e.kind, e.event.action) for e in entries] == [
        ("commit", "ledger.commit"),
        ("redeem", "ledger.redeem"),
    ]
    assert entries[0].event.actor.username == "carol"
    (payment,) = response.context["settled"]["onward"]
    assert (payment.kind, payment.amount, payment.event.actor) == (
        "pay",
        paid_june.total_subsidy,
        frank,
    )
    page = response.content.decode()
    assert "ledger.pay" in page and "frank" in page and "No audit event" not in page


def test_the_voucher_page_links_to_its_trace(as_bob, voucher):
    page = as_bob.get(f"/authority/vouchers/{voucher.pk}/").content.decode()
    assert f"/authority/vouchers/{voucher.pk}/trace/" in page


def redemptions(voucher, by, count):
    for _ in range(count):
        redeem(voucher=voucher, billed_amount="10.00", by=by)


def queries_for(client, voucher, page=1) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert trace_of(client, voucher, page).status_code == 200
    return len(captured)


def test_the_trace_takes_the_same_queries_for_3_entries_or_60(
    as_bob, voucher, paid_june, centre_engineer
):
    redemptions(voucher, centre_engineer, 1)
    few = queries_for(as_bob, voucher)
    redemptions(voucher, centre_engineer, 57)

    assert LedgerEntry.objects.filter(voucher=voucher).count() == 60
    assert queries_for(as_bob, voucher) == few
    assert queries_for(as_bob, voucher, page=3) == few


def test_redemptions_page_through_oldest_first(as_bob, voucher, centre_engineer):
    redemptions(voucher, centre_engineer, 30)

    second = trace_of(as_bob, voucher, page=2).context["page"]
    assert second.paginator.count == 31
    assert [entry.kind for entry in second.object_list] == ["redeem"] * 6
    assert trace_of(as_bob, voucher).context["stages"]["redeemed"] == Decimal("150.00")


def test_another_authoritys_officer_gets_404(as_dave, voucher):
    assert trace_of(as_dave, voucher).status_code == 404


def test_company_and_provider_staff_are_refused(voucher, company, centre_engineer):
    for user in (company.clerk, centre_engineer):
        assert trace_of(signed_in(user), voucher).status_code == 403


@pytest.fixture
def batch_paid_june(voucher, centre, bob, frank, chengdu, centre_engineer):
    """June's statement approved by bob, put on a payment batch by frank, approved by
    gina (a second finance officer) and paid by frank with the bank's reference."""
    gina = builders.member("gina", "finance_officer", authority=chengdu)
    change_bank_details(
        payee=centre, account_name="成都智算中心", bank_name="建设银行天府支行",
        account_number="4400-1234-5678-9012", by=centre_engineer,
    )  # fmt: skip
    number = voucher.contract.number
    send(centre, [usage(number, record_id="a", amount="100.00", day=3)])
    reconcile()
    build_settlements(period="2024-06")
    june = Settlement.objects.get(period="2024-06")
    approve_settlement(settlement=june, by=bob)
    batch = prepare_batch(authority=chengdu, by=frank, statement_ids=[june.pk])
    approve_batch(batch=batch, by=gina)
    (line,) = batch.lines.all()
    pay_batch(batch=batch, references={line.pk: ("BANK-0001", builders.TODAY)}, by=frank)
    return june


def test_a_statement_paid_by_a_batch_shows_the_batchs_entry(
    as_bob, voucher, batch_paid_june, frank
):
    response = trace_of(as_bob, voucher)

    assert response.context["stages"]["paid"] == Decimal("50.00")
    (payment,) = response.context["settled"]["onward"]
    assert (payment.kind, payment.amount, payment.event.actor) == ("pay", Decimal("50.00"), frank)
    assert payment.reference.startswith("payment:")
