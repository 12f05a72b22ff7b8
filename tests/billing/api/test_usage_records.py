"""POST /api/v1/usage-records (batches) and GET /api/v1/usage-records (what became of them)."""

import json
from datetime import timedelta

import pytest

from api.models import IdempotentResponse
from api.tasks import purge_idempotent_responses
from billing.models import UsageRecord
from tests import builders
from tests.billing.api.helpers import error_of, record

pytestmark = pytest.mark.django_db

URL = "/api/v1/usage-records"


def send(api, records, **headers):
    return api.post(URL, {"records": records}, format="json", headers=headers)


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [result["status"] for result in response.json()["results"]]


def test_it_accepts_a_batch_and_answers_one_result_per_record_in_order(api, contract):
    batch = [record(contract.number) for _ in range(3)]
    response = send(api, batch)
    assert response.json() == {
        "results": [
            {"record_id": r["record_id"], "status": "accepted", "error": None} for r in batch
        ]
    }
    assert UsageRecord.objects.filter(provider=contract.provider).count() == 3


def test_it_keeps_the_good_records_of_a_partly_bad_batch(api, contract):
    good, bad = record(contract.number), record(contract.number, amount="-1.00")
    response = send(api, [good, bad])
    assert statuses(response) == ["accepted", "rejected"]
    assert response.json()["results"][1]["error"]["field"] == "amount"
    assert list(UsageRecord.objects.values_list("record_id", flat=True)) == [good["record_id"]]


def test_the_same_record_again_is_a_duplicate_and_changes_nothing(api, contract):
    sent = record(contract.number)
    send(api, [sent])
    before = list(UsageRecord.objects.values())
    assert statuses(send(api, [sent])) == ["duplicate"]
    assert list(UsageRecord.objects.values()) == before


def test_a_known_record_id_with_other_content_is_a_conflict_and_the_original_stands(api, contract):
    sent = record(contract.number, amount="100.00")
    send(api, [sent])
    response = send(api, [{**sent, "amount": "999.00"}])
    assert statuses(response) == ["rejected"]
    assert response.json()["results"][0]["error"]["code"] == "conflict"
    assert UsageRecord.objects.get().amount == 100


def test_a_record_id_twice_in_one_batch_is_stored_once(api, contract):
    sent = record(contract.number)
    assert statuses(send(api, [sent, sent])) == ["accepted", "duplicate"]


def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer(api, contract):
    batch = [record(contract.number)]
    first = send(api, batch, **{"Idempotency-Key": "batch-1"})
    again = send(api, batch, **{"Idempotency-Key": "batch-1"})
    assert again.content == first.content
    assert statuses(again) == ["accepted"]
    assert again["Idempotent-Replayed"] == "true"
    assert statuses(send(api, batch)) == ["duplicate"]


def test_answers_older_than_a_week_are_purged_and_newer_ones_kept(api, contract):
    for key in ("old", "recent"):
        send(api, [record(contract.number)], **{"Idempotency-Key": key})
    stored = IdempotentResponse.objects.filter(key="old")
    stored.update(created_at=stored.get().created_at - timedelta(days=7, minutes=1))

    assert purge_idempotent_responses() == 1

    assert list(IdempotentResponse.objects.values_list("key", flat=True)) == ["recent"]


def test_an_idempotency_key_reused_for_another_body_is_refused(api, contract):
    send(api, [record(contract.number)], **{"Idempotency-Key": "batch-1"})
    response = send(api, [record(contract.number)], **{"Idempotency-Key": "batch-1"})
    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert UsageRecord.objects.count() == 1


@pytest.mark.parametrize("key", ["", "k" * 256, "tab\there"])
def test_a_malformed_idempotency_key_is_refused(api, contract, key):
    response = send(api, [record(contract.number)], **{"Idempotency-Key": key})
    assert response.status_code == 400
    assert error_of(response)["field"] == "Idempotency-Key"
    assert not UsageRecord.objects.exists()


def test_idempotency_keys_are_per_provider(api, rival_api, contract):
    send(api, [record(contract.number)], **{"Idempotency-Key": "k"})
    response = send(rival_api, [record("HZ-001")], **{"Idempotency-Key": "k"})
    assert statuses(response) == ["accepted"]


def test_a_batch_of_more_than_1000_records_is_refused_whole(api, contract):
    response = send(api, [record(contract.number) for _ in range(1001)])
    assert response.status_code == 400
    assert error_of(response) | {"message": ""} == {
        "code": "too_many_records",
        "field": "records",
        "message": "",
    }
    assert not UsageRecord.objects.exists()


def test_a_batch_of_exactly_1000_records_is_taken(api, contract):
    assert (
        statuses(send(api, [record(contract.number) for _ in range(1000)])) == ["accepted"] * 1000
    )


@pytest.mark.parametrize(
    "body", [b"{not json", b"", b"[1, 2]", b'{"records": 5}', b'{"rows": []}', b"\xff\xfe"]
)
def test_a_body_that_is_not_a_json_batch_is_refused_whole(api, body):
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] in {"invalid_json", "required"}


def test_a_body_of_another_type_is_unsupported(api, contract):
    body = json.dumps({"records": [record(contract.number)]})
    response = api.post(URL, body, content_type="text/plain")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"record_id": ""}, "record_id", "required"),
        ({"record_id": "x" * 129}, "record_id", "too_long"),
        ({"record_id": 7}, "record_id", "invalid_type"),
        ({"contract_number": " "}, "contract_number", "required"),
        ({"period_start": "2024-06-10T00:00:00"}, "period_start", "missing_offset"),
        ({"period_start": "10/06/2024"}, "period_start", "invalid_time"),
        ({"period_end": None}, "period_end", "required"),
        ({"period_end": "2024-06-09T00:00:00+08:00"}, "period_end", "out_of_range"),
        ({"amount": "-0.01"}, "amount", "out_of_range"),
        ({"amount": 12.5}, "amount", "invalid_type"),
        ({"amount": "12.3456789"}, "amount", "invalid_amount"),
        ({"amount": "twelve"}, "amount", "invalid_number"),
        ({"quantity": "-1"}, "quantity", "out_of_range"),
        ({"currency": "USD"}, "currency", "invalid_currency"),
        ({"sku": "s" * 129}, "sku", "too_long"),
        ({"unit": ["hour"]}, "unit", "invalid_type"),
        ({"description": "d" * 501}, "description", "too_long"),
        ({"sku": "a\x00b"}, "sku", "invalid_character"),
        ({"record_id": "r\x00"}, "record_id", "invalid_character"),
    ],
)
def test_it_rejects_a_bad_field_naming_it_and_keeps_the_rest(api, contract, change, field, code):
    good = record(contract.number)
    response = send(api, [{**record(contract.number), **change}, good])
    [rejected, accepted] = response.json()["results"]
    assert (rejected["status"], rejected["error"]["field"], rejected["error"]["code"]) == (
        "rejected",
        field,
        code,
    )
    assert " / " in rejected["error"]["message"]  # Chinese and English
    assert accepted == {"record_id": good["record_id"], "status": "accepted", "error": None}


def test_a_record_that_is_not_an_object_is_rejected_alone(api, contract):
    response = send(api, ["just text", record(contract.number)])
    assert statuses(response) == ["rejected", "accepted"]
    assert response.json()["results"][0]["record_id"] is None


def test_it_lists_what_became_of_the_providers_records(api, rival_api, voucher):
    sent = record(voucher.contract.number, amount="200.00")
    send(api, [sent])
    send(rival_api, [record("HZ-001")])
    body = api.get(URL).json()
    assert body["count"] == 1
    [listed] = body["results"]
    assert {k: listed[k] for k in ("record_id", "contract_number", "amount", "status")} == {
        "record_id": sent["record_id"],
        "contract_number": voucher.contract.number,
        "amount": "200.00",
        "status": "pending",
    }
    assert (listed["voucher_code"], listed["subsidy"], listed["exception"]) == (None, None, None)


def test_the_list_filters_by_contract_number_key_and_time(api, contract, centre, company):
    other = builders.contract(entity=company, provider=centre)
    send(api, [record(contract.number), record(other.number)])
    mine = api.get(URL, {"contract_number": f" {contract.number.lower()} "}).json()
    assert [r["contract_number"] for r in mine["results"]] == [contract.number]
    assert api.get(URL, {"since": "2999-01-01T00:00:00+08:00"}).json()["count"] == 0
    assert api.get(URL, {"since": "not a time"}).status_code == 400


def test_a_body_above_the_upload_limit_is_refused_as_too_large(monkeypatch, api, contract):
    # The batch's own limit (api/batch.py MAX_BATCH_BYTES), made small.
    monkeypatch.setattr("api.views.usage.UsageRecords.max_body_bytes", 1000)
    response = send(api, [record(contract.number) for _ in range(10)])
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert not UsageRecord.objects.exists()
