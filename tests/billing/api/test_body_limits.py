"""The body limits: a full batch of usage records with Chinese text fits, as providers
send it (json.dumps defaults: every character a six-byte escape such as \\u4e2d); other bodies keep the
site-wide 2.5 MB."""

import json

import pytest
from django.conf import settings

from api.batch import MAX_BATCH_BYTES, MAX_RECORDS
from billing.models import UsageRecord
from tests.billing.api.helpers import error_of, record

pytestmark = pytest.mark.django_db

URL = "/api/v1/usage-records"
# Every text field at its longest (the model's max_length) in Chinese.
LONGEST = {"description": "算" * 500, "sku": "卡" * 128, "unit": "时" * 32}


def full_batch(contract_number: str) -> bytes:
    records = [
        record(contract_number, record_id=f"账单-{n:04d}-" + "号" * 110, **LONGEST)
        for n in range(MAX_RECORDS)
    ]
    return json.dumps({"records": records}).encode()


def post(api, body: bytes):
    return api.generic("POST", URL, body, content_type="application/json")


def test_a_full_batch_of_chinese_records_is_accepted(api, contract):
    body = full_batch(contract.number)
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # the old limit refused it

    response = post(api, body)

    assert response.status_code == 200, response.content[:300]
    results = response.json()["results"]
    assert {r["status"] for r in results} == {"accepted"}
    assert UsageRecord.objects.count() == MAX_RECORDS
    assert len(body) < MAX_BATCH_BYTES


def test_a_body_past_the_batch_limit_is_413_and_nothing_is_kept(api, contract):
    body = json.dumps({"records": [record(contract.number)], "pad": "x" * MAX_BATCH_BYTES})
    response = post(api, body.encode())
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert not UsageRecord.objects.exists()


def test_other_endpoints_keep_the_site_wide_limit(api, contract):
    body = json.dumps({"confirmed": True, "note": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    url = f"/api/v1/contracts/{contract.number}/confirmation"
    response = api.generic("POST", url, body.encode(), content_type="application/json")
    assert response.status_code == 413
