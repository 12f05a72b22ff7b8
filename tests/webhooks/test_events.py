"""Each event type comes from its source (audit trail, exception cases, finished files),
for the provider concerned only, and never from before the endpoint existed."""

from decimal import Decimal

from accounts.models import Membership
from billing import usage_files
from billing.models import Settlement
from billing.reconcile import reconcile
from billing.settlements import approve_settlement, build_settlements
from tests import builders
from tests.billing.conftest import issue, send, usage
from vouchers.services.closing import revoke_voucher
from webhooks import events
from webhooks.models import Delivery
from webhooks.services import create_endpoint


def types_delivered() -> list[str]:
    events.scan()
    return sorted(Delivery.objects.values_list("event_type", flat=True))


def payload_of(event_type: str) -> dict:
    return Delivery.objects.get(event_type=event_type).payload


def test_a_declared_contract_is_an_event(endpoint, programme, company, centre):
    builders.submitted_application(
        programme=programme, entity=company, provider=centre, number="HT-NEW"
    )
    assert types_delivered() == ["contract.declared"]
    assert payload_of("contract.declared")["data"]["contract_number"] == "HT-NEW"


def test_an_unmatched_record_opens_an_exception_event(voucher, endpoint, centre):
    send(centre, [usage(contract="HT-UNKNOWN", record_id="x-1")])
    reconcile()
    assert types_delivered() == ["reconciliation.exception_opened"]
    data = payload_of("reconciliation.exception_opened")["data"]
    assert (data["reason"], data["record_id"]) == ("unknown_contract", "x-1")


def test_a_finished_usage_file_is_an_event(endpoint, centre):
    header = "record_id,contract_number,period_start,period_end,amount\n"
    text = header + "f-1,HT-9,2024-06-01T00:00:00+08:00,2024-06-01T01:00:00+08:00,1.00\n"
    stored = usage_files.store_upload(
        provider=centre, chunks=[text.encode()], original_name="a.csv"
    )
    usage_files.process_usage_file(usage_file=stored)
    assert types_delivered() == ["usage_file.finished"]
    assert payload_of("usage_file.finished")["data"]["job_id"] == stored.pk


def test_a_used_up_voucher_is_an_exhausted_event(
    chengdu, alice, company, centre, bob, centre_engineer, receiver
):
    small_programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], min_award=None
    )
    voucher = issue(small_programme, company, centre, bob, "HT-SMALL", value="20000.00")
    create_endpoint(provider=centre, url=receiver.url, events=[], by=centre_engineer)
    send(centre, [usage(contract="HT-SMALL", amount=str(voucher.face_value * 2))])
    reconcile()
    assert types_delivered() == ["voucher.exhausted"]
    assert Decimal(payload_of("voucher.exhausted")["data"]["redeemed"]) == voucher.face_value


def test_a_statement_ready_then_paid(voucher, endpoint, centre, bob, chengdu):
    fiona = builders.member("fiona", Membership.Role.FINANCE_OFFICER, authority=chengdu)
    send(centre, [usage(record_id="a", amount="100.00", day=3)])
    reconcile()
    build_settlements(period="2024-06")
    statement = Settlement.objects.get()
    approve_settlement(settlement=statement, by=bob)
    builders.paid_through_batch(statement, by=fiona)
    assert types_delivered() == ["statement.paid", "statement.ready"]
    assert payload_of("statement.ready")["data"]["statement_id"] == statement.pk


def test_an_endpoint_hears_nothing_from_before_it_existed(
    voucher, bob, centre, centre_engineer, receiver
):
    events.scan()  # the cursor row exists from an earlier endpoint's time
    revoke_voucher(voucher=voucher, by=bob, reason="合同终止")
    create_endpoint(provider=centre, url=receiver.url, events=[], by=centre_engineer)
    assert types_delivered() == []
