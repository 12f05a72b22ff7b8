"""Request signing, for a provider that switched it on: X-Signature (v2) over the method,
path, query, time and raw body; each signature is taken once."""

import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from api.services.keys import rotate_signing_secret, set_signing
from billing.models import UsageFile
from config.errors import DomainError
from tests.billing.api.helpers import error_of, record, signed

pytestmark = pytest.mark.django_db

URL = "/api/v1/usage-records"


def post(api, body: bytes, signature: str | None):
    # In English, so that the tests below can read the reasons (Chinese is the default).
    headers = {"X-Signature": signature} if signature is not None else {}
    headers["Accept-Language"] = "en"
    return api.post(URL, body, content_type="application/json", headers=headers)


@pytest.fixture
def body(contract) -> bytes:
    return json.dumps({"records": [record(contract.number)]}).encode()


def test_a_correctly_signed_request_is_taken(api, signing_secret, body):
    assert post(api, body, signed(signing_secret, body)).status_code == 200


def test_a_provider_without_signing_needs_no_signature(api, body):
    assert post(api, body, None).status_code == 200


@pytest.mark.parametrize(
    "make_signature",
    [
        lambda secret, body: None,
        lambda secret, body: "",
        lambda secret, body: "t=abc,v1=00",
        lambda secret, body: signed("another secret", body),
        lambda secret, body: signed(secret, body + b" "),
        lambda secret, body: signed(secret, body, at=int(time.time()) - 301),
        lambda secret, body: signed(secret, body, at=int(time.time()) + 301),
        lambda secret, body: signed(secret, body).split(",")[0],
        lambda secret, body: signed(secret, body).replace("v2=", "v0="),
        lambda secret, body: signed(secret, body, method="PUT"),
        lambda secret, body: signed(secret, body, path="/api/v1/usage-files"),
        lambda secret, body: signed(secret, body, query="page=2"),
        lambda secret, body: v1_signature(secret, body),
        lambda secret, body: signed(secret, body) + "é",
    ],
    ids=[
        "missing",
        "empty",
        "malformed",
        "wrong secret",
        "other body",
        "stale",
        "from the future",
        "no v2",
        "unknown scheme",
        "other method",
        "other path",
        "other query",
        "the old v1 scheme",
        "non-ascii",
    ],
)
def test_a_missing_wrong_or_stale_signature_is_refused(api, signing_secret, body, make_signature):
    response = post(api, body, make_signature(signing_secret, body))
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_signature"


def test_a_signature_just_inside_the_tolerance_is_taken(api, signing_secret, body):
    assert (
        post(api, body, signed(signing_secret, body, at=int(time.time()) - 290)).status_code == 200
    )


def v1_signature(secret: str, body: bytes) -> str:
    """The retired scheme: HMAC over t + "." + body, valid for any method and path."""
    now = int(time.time())
    mac = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256)
    return f"t={now},v1={mac.hexdigest()}"


def test_the_old_v1_scheme_is_refused_with_a_message_naming_v2(api, signing_secret, body):
    response = post(api, body, v1_signature(signing_secret, body))
    assert "sign with v2" in error_of(response)["message"]


def test_one_matching_v2_among_several_is_enough(api, signing_secret, body):
    now = int(time.time())
    wrong = signed("an old secret", body, at=now).split("v2=")[1]
    assert post(api, body, f"{signed(signing_secret, body, at=now)},v2={wrong}").status_code == 200
    # Another request at the same second: the signature differs, so no replay.
    other = json.dumps({"records": []}).encode()
    reordered = f"t={now},v2={wrong},{signed(signing_secret, other, at=now).split(',')[1]}"
    assert post(api, other, reordered).status_code == 200


def test_a_request_sent_again_with_the_same_signature_is_refused(api, signing_secret, body):
    signature = signed(signing_secret, body)
    assert post(api, body, signature).status_code == 200

    again = post(api, body, signature)

    assert again.status_code == 401
    assert "already used" in error_of(again)["message"]
    # Signed anew a second earlier than the first (not "now - 1", which is the first's
    # own second when the clock has just ticked over).
    first_at = int(signature.split(",")[0].removeprefix("t="))
    assert post(api, body, signed(signing_secret, body, at=first_at - 1)).status_code == 200


def test_a_signed_get_is_valid_for_its_own_path_and_query_only(api, signing_secret):
    def get(url, query, signature):
        return api.get(f"{url}?{query}" if query else url, headers={"X-Signature": signature})

    sig = signed(signing_secret, b"", method="GET", path="/api/v1/contracts", query="page=1")
    assert get("/api/v1/contracts", "page=2", sig).status_code == 401
    assert get("/api/v1/contracts", "", sig).status_code == 401
    assert get("/api/v1/settlements", "page=1", sig).status_code == 401
    assert get("/api/v1/contracts", "page=1", sig).status_code == 200


def test_the_previous_secret_keeps_working_until_the_next_rotation(api, centre, body):
    _, old = set_signing(provider=centre, required=True, by=None)
    _, new = rotate_signing_secret(provider=centre, by=None)
    assert post(api, body, signed(old, body)).status_code == 200
    assert post(api, body, signed(new, body)).status_code == 200
    rotate_signing_secret(provider=centre, by=None)
    assert post(api, body, signed(old, body)).status_code == 401


def test_switching_signing_off_and_on_keeps_the_secret(api, centre, body):
    _, secret = set_signing(provider=centre, required=True, by=None)
    assert set_signing(provider=centre, required=False, by=None)[1] is None
    assert post(api, body, None).status_code == 200
    assert set_signing(provider=centre, required=True, by=None)[1] is None
    assert post(api, body, None).status_code == 401
    assert post(api, body, signed(secret, body)).status_code == 200


def test_a_secret_is_rotated_only_once_there_is_one(centre):
    with pytest.raises(DomainError) as refused:
        rotate_signing_secret(provider=centre, by=None)
    assert refused.value.code == "no_signing"


def test_signing_covers_get_requests_with_an_empty_body(api, signing_secret):
    assert api.get("/api/v1/contracts").status_code == 401
    headers = {"X-Signature": signed(signing_secret, b"", method="GET", path="/api/v1/contracts")}
    assert api.get("/api/v1/contracts", headers=headers).status_code == 200


def test_a_usage_file_is_verified_as_it_streams(settings, api, signing_secret, contract):
    csv = b"record_id,contract_number,period_start,period_end,amount,currency\n"
    good = api.post(
        "/api/v1/usage-files",
        csv,
        content_type="text/csv",
        headers={"X-Signature": signed(signing_secret, csv, path="/api/v1/usage-files")},
    )
    assert good.status_code == 202
    bad = api.post(
        "/api/v1/usage-files",
        csv,
        content_type="text/csv",
        headers={"X-Signature": signed(signing_secret, csv + b"x", path="/api/v1/usage-files")},
    )
    assert bad.status_code == 401
    assert list(UsageFile.objects.values_list("pk", flat=True)) == [good.json()["id"]]
    assert len(list(Path(settings.USAGE_FILE_ROOT).rglob("*.csv"))) == 1


def test_a_multipart_upload_is_verified_over_the_body_as_sent(api, signing_secret, contract):
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("june.csv", b"record_id\n")})

    def upload(signature):
        return api.post(
            "/api/v1/usage-files",
            body,
            content_type=MULTIPART_CONTENT,
            headers={"X-Signature": signature},
        )

    def signature(sent: bytes) -> str:
        return signed(signing_secret, sent, path="/api/v1/usage-files")

    assert upload(signature(body)).status_code == 202
    assert upload(signature(body.replace(b"record_id", b"record_ie"))).status_code == 401


def test_a_streamed_usage_file_sent_again_with_its_signature_is_refused(
    settings, api, signing_secret, contract
):
    csv = b"record_id,contract_number,period_start,period_end,amount,currency\n"
    headers = {"X-Signature": signed(signing_secret, csv, path="/api/v1/usage-files")}

    first = api.post("/api/v1/usage-files", csv, content_type="text/csv", headers=headers)
    again = api.post("/api/v1/usage-files", csv, content_type="text/csv", headers=headers)

    assert (first.status_code, again.status_code) == (202, 401)
    assert list(UsageFile.objects.values_list("pk", flat=True)) == [first.json()["id"]]
    assert len(list(Path(settings.USAGE_FILE_ROOT).rglob("*.csv"))) == 1
