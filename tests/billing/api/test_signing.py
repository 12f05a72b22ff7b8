"""Request signing, for a provider that switched it on: X-Signature over the raw body."""

import json
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from api.services.keys import rotate_signing_secret, set_signing
from api.signing import sign
from billing.models import UsageFile
from config.errors import DomainError
from tests.billing.api.helpers import error_of, record, signed

pytestmark = pytest.mark.django_db

URL = "/api/v1/usage-records"


def post(api, body: bytes, signature: str | None):
    headers = {"X-Signature": signature} if signature is not None else {}
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
        lambda secret, body: signed(secret, body).replace("v1=", "v0="),
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
        "no v1",
        "unknown scheme",
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


def test_one_matching_v1_among_several_is_enough(api, signing_secret, body):
    now = int(time.time())
    wrong = sign("an old secret", body, now).split("v1=")[1]
    both = f"{sign(signing_secret, body, now)},v1={wrong}"
    reordered = f"t={now},v1={wrong},{sign(signing_secret, body, now).split(',')[1]}"
    assert post(api, body, both).status_code == 200
    assert post(api, body, reordered).status_code == 200


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
    headers = {"X-Signature": signed(signing_secret, b"")}
    assert api.get("/api/v1/contracts", headers=headers).status_code == 200


def test_a_usage_file_is_verified_as_it_streams(settings, api, signing_secret, contract):
    csv = b"record_id,contract_number,period_start,period_end,amount,currency\n"
    good = api.post(
        "/api/v1/usage-files",
        csv,
        content_type="text/csv",
        headers={"X-Signature": signed(signing_secret, csv)},
    )
    assert good.status_code == 202
    bad = api.post(
        "/api/v1/usage-files",
        csv,
        content_type="text/csv",
        headers={"X-Signature": signed(signing_secret, csv + b"x")},
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

    assert upload(signed(signing_secret, body)).status_code == 202
    assert (
        upload(signed(signing_secret, body.replace(b"record_id", b"record_ie"))).status_code == 401
    )
