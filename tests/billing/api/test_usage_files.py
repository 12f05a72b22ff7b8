"""POST /api/v1/usage-files (CSV, raw or multipart, processed in the background) and
GET /api/v1/usage-files/{id}."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from billing.models import UsageFile, UsageRecord
from config import settings as project_settings
from tests.billing.api.helpers import error_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/usage-files"
HEADER = "record_id,contract_number,period_start,period_end,sku,description,quantity,unit,amount,currency"
FOCUS_HEADER = (
    "record_id,contract_number,ChargePeriodStart,ChargePeriodEnd,SkuId,"
    "ConsumedQuantity,ConsumedUnit,BilledCost,BillingCurrency"
)


def row(record_id, number, amount="100.00", start="2024-06-10T00:00:00+08:00"):
    return f"{record_id},{number},{start},2024-06-10T23:59:59+08:00,gpu,A800,10,hour,{amount},CNY"


def focus_row(record_id, number, amount="100.00"):
    return f"{record_id},{number},2024-06-10T00:00:00+08:00,2024-06-10T23:59:59+08:00,gpu,10,hour,{amount},CNY"


def upload(api, text: str):
    return api.post(URL, text.encode(), content_type="text/csv")


def test_a_csv_body_is_queued_then_processed(api, contract, processed):
    with processed() as queued:
        response = upload(api, "\n".join([HEADER, row("f-1", contract.number)]))
    assert response.status_code == 202
    assert set(response.json()) == {"id", "status"}
    assert response.json()["status"] == "queued"
    assert len(queued) == 1
    done = api.get(f"{URL}/{response.json()['id']}").json()
    assert {k: done[k] for k in ("status", "rows_total", "rows_accepted", "rows_rejected")} == {
        "status": "done",
        "rows_total": 1,
        "rows_accepted": 1,
        "rows_rejected": 0,
    }
    assert UsageRecord.objects.get().record_id == "f-1"


def test_bad_rows_are_reported_with_their_line_numbers_and_the_rest_kept(api, contract, processed):
    lines = [
        HEADER,
        row("f-1", contract.number),
        row("f-2", contract.number, amount="-5"),
        row("f-3", contract.number, start="yesterday"),
        row("f-4", contract.number),
    ]
    with processed():
        file_id = upload(api, "\n".join(lines)).json()["id"]
    done = api.get(f"{URL}/{file_id}").json()
    assert (done["rows_total"], done["rows_accepted"], done["rows_rejected"]) == (4, 2, 2)
    assert [(e["row"], e["field"], e["code"]) for e in done["errors"]] == [
        (3, "amount", "out_of_range"),
        (4, "period_start", "invalid_time"),
    ]
    assert all(" / " in e["message"] for e in done["errors"])


def test_focus_column_names_are_understood(api, contract, processed):
    with processed():
        sent = upload(api, "\n".join([FOCUS_HEADER, focus_row("x-1", contract.number, "12.50")]))
    file_id = sent.json()["id"]
    assert api.get(f"{URL}/{file_id}").json()["rows_accepted"] == 1
    stored = UsageRecord.objects.get()
    assert (stored.amount, stored.sku, stored.unit, stored.quantity) == (12.5, "gpu", "hour", 10)


def test_a_multipart_upload_in_the_field_file_is_taken(api, contract, processed):
    csv = SimpleUploadedFile("june.csv", "\n".join([HEADER, row("m-1", contract.number)]).encode())
    with processed():
        response = api.post(URL, {"file": csv}, format="multipart")
    assert response.status_code == 202
    usage_file = UsageFile.objects.get(pk=response.json()["id"])
    assert usage_file.original_name == "june.csv"
    assert usage_file.rows_accepted == 1


def test_control_characters_are_dropped_from_the_file_name(api, contract):
    csv = SimpleUploadedFile("ju\x00ne.csv", HEADER.encode())
    response = api.post(URL, {"file": csv}, format="multipart")
    assert UsageFile.objects.get(pk=response.json()["id"]).original_name == "june.csv"


def test_a_multipart_upload_without_the_file_field_is_refused(api, contract):
    response = api.post(URL, {"other": "x"}, format="multipart")
    assert response.status_code == 400
    assert error_of(response)["field"] == "file"
    assert not UsageFile.objects.exists()


def test_another_content_type_is_unsupported(api, contract):
    response = api.post(URL, {"records": []}, format="json")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_a_file_above_the_size_limit_is_refused(settings, api, contract):
    settings.API_MAX_USAGE_FILE_BYTES = 100
    response = upload(api, "\n".join([HEADER, *(row(f"f-{i}", contract.number) for i in range(5))]))
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert not UsageFile.objects.exists()
    assert not list(Path(settings.USAGE_FILE_ROOT).rglob("*.csv"))


def test_the_file_is_kept_as_sent_outside_the_web_root(settings, api, contract):
    text = "\n".join([HEADER, row("f-1", contract.number)])
    file_id = upload(api, text).json()["id"]
    stored = Path(settings.USAGE_FILE_ROOT) / UsageFile.objects.get(pk=file_id).path
    assert stored.read_text() == text
    configured = Path(project_settings.USAGE_FILE_ROOT).resolve()
    for served in (project_settings.MEDIA_ROOT, project_settings.STATIC_ROOT):
        assert not configured.is_relative_to(Path(served).resolve())


def test_another_providers_file_is_not_found(api, rival_api, contract):
    file_id = upload(rival_api, HEADER).json()["id"]
    response = api.get(f"{URL}/{file_id}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_unknown_file_is_not_found(api):
    assert api.get(f"{URL}/999999").status_code == 404


def test_an_upload_is_audited_with_the_key_that_sent_it(api, contract, processed):
    with processed():
        sent = upload(api, "\n".join([HEADER, row("f-1", contract.number)])).json()

    [event] = AuditEvent.objects.filter(action="usage_file.upload")
    assert (event.object_id, event.actor) == (str(sent["id"]), None)
    assert event.after["via"].startswith("api:vk_") and event.after["bytes"] > 0
