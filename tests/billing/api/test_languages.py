"""Every API error in the language the client asks for (Accept-Language: en or zh),
Chinese by default; a request id on every answer and in every error body."""

import re

import pytest
from django.core.cache import cache

from api.services.keys import set_signing
from tests.billing.api.helpers import client_with, error_of

EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def message(response) -> str:
    return error_of(response)["message"]


def unauthorised(headers):
    return client_with(None).get("/api/v1/contracts", **headers)


def not_allowed(api, headers):
    return api.delete("/api/v1/contracts", **headers)


def not_acceptable(api, headers):
    return api.get("/api/v1/contracts", HTTP_ACCEPT="application/xml", **headers)


def unsupported(api, headers):
    return api.post(
        "/api/v1/usage-records", data=b"<x/>", content_type="application/xml", **headers
    )


def bad_filter(api, headers):
    return api.get("/api/v1/contracts?updated_since=yesterday", **headers)


def unknown_voucher(api, headers):
    return api.get("/api/v1/vouchers/NOPE", **headers)


def unknown_address(api, headers):
    return api.get("/api/v1/nowhere", **headers)


@pytest.fixture
def throttled(settings):
    settings.API_THROTTLE_RATE = "1/min"

    def call(api, headers):
        api.get("/api/v1/contracts", **headers)
        return api.get("/api/v1/contracts", **headers)

    return call


CALLS = {
    401: lambda api, headers: unauthorised(headers),
    405: not_allowed,
    406: not_acceptable,
    415: unsupported,
    400: bad_filter,
    404: unknown_address,
}


@pytest.mark.parametrize("status", sorted(CALLS))
def test_errors_answer_in_english_when_asked(api, status):
    response = CALLS[status](api, EN)
    assert response.status_code == status
    assert not has_chinese(message(response)), message(response)


@pytest.mark.parametrize("status", sorted(CALLS))
def test_errors_answer_in_chinese_when_asked(api, status):
    response = CALLS[status](api, ZH)
    assert response.status_code == status
    assert has_chinese(message(response)) and " / " not in message(response)


NEITHER = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}


@pytest.mark.parametrize("headers", [{}, NEITHER], ids=["no header", "French"])
@pytest.mark.parametrize("status", sorted(CALLS))
def test_errors_answer_in_chinese_alone_by_default(api, status, headers):
    response = CALLS[status](api, headers)
    assert response.status_code == status
    assert has_chinese(message(response)) and " / " not in message(response)
    assert not any(word in message(response).lower() for word in ("the ", "not ", "found"))


def without_seconds(text: str) -> str:
    # The wait in the message counts down between two calls, so a slow machine can
    # see 62 in one answer and 61 in the next; the language is what is compared.
    return re.sub(r"\d+", "N", text)


def test_throttled_answers_in_each_language_and_chinese_by_default(api, throttled):
    english = throttled(api, EN)
    assert english.status_code == 429 and not has_chinese(message(english))
    cache.clear()
    chinese = throttled(api, ZH)
    assert chinese.status_code == 429 and has_chinese(message(chinese))
    cache.clear()
    default = throttled(api, {})
    assert default.status_code == 429
    assert without_seconds(message(default)) == without_seconds(message(chinese))


def test_a_domain_error_answers_with_its_half_and_chinese_by_default(api):
    english, chinese, default = (unknown_voucher(api, h) for h in (EN, ZH, {}))
    assert english.status_code == chinese.status_code == default.status_code == 400
    assert not has_chinese(message(english)) and has_chinese(message(chinese))
    assert " / " not in message(chinese) and message(default) == message(chinese)


def unknown_key(headers):
    return client_with("vk_00000000_nothing").get("/api/v1/contracts", **headers)


def money_as_a_float(api, number, headers):
    return api.post(
        f"/api/v1/contracts/{number}/confirmation",
        {"confirmed": True, "value": 100.5},
        format="json",
        **headers,
    )


def wrong_field_type(api, number, headers):
    return api.post(
        f"/api/v1/contracts/{number}/confirmation", {"confirmed": "maybe"}, format="json", **headers
    )


def batch_not_a_list(api, headers):
    return api.post("/api/v1/usage-records", {"records": "none"}, format="json", **headers)


def bad_signature_header(api, provider, headers):
    set_signing(provider=provider, required=True, by=None)
    return api.get("/api/v1/contracts", HTTP_X_SIGNATURE="t=1,v2=zz", **headers)


OWN_MESSAGES = {
    "unknown key (401)": lambda api, provider, headers: unknown_key(headers),
    "bad signature (401)": bad_signature_header,
    "batch refused whole (400)": lambda api, provider, headers: batch_not_a_list(api, headers),
}
FIELD_ERRORS = {
    "money as a JSON number": money_as_a_float,
    "a boolean that is not one": wrong_field_type,
}


@pytest.mark.parametrize("call", sorted(OWN_MESSAGES))
def test_the_apis_own_refusals_answer_with_one_half(api, centre, call):
    english, chinese, default = (OWN_MESSAGES[call](api, centre, h) for h in (EN, ZH, {}))
    assert english.status_code == chinese.status_code == default.status_code
    assert not has_chinese(message(english)), message(english)
    assert has_chinese(message(chinese)) and " / " not in message(chinese), message(chinese)
    assert message(default) == message(chinese)


@pytest.mark.parametrize("call", sorted(FIELD_ERRORS))
def test_validation_errors_name_the_field_in_each_language(api, contract, call):
    calls = (FIELD_ERRORS[call](api, contract.number, h) for h in (EN, ZH, {}))
    english, chinese, default = calls
    assert english.status_code == chinese.status_code == default.status_code == 400
    assert error_of(english)["field"] == error_of(chinese)["field"]
    assert error_of(english)["field"] in {"value", "confirmed"}
    assert not has_chinese(message(english)), message(english)
    assert has_chinese(message(chinese)) and " / " not in message(chinese), message(chinese)
    assert message(default) == message(chinese)


def test_not_found_answers_with_its_half(api):
    assert message(unknown_address(api, EN)) == "not found"
    assert message(unknown_address(api, ZH)) == "未找到"


def test_every_answer_carries_a_request_id(api):
    first = api.get("/api/v1/contracts")
    second = api.get("/api/v1/contracts")
    assert len(first["X-Request-Id"]) == 32
    assert first["X-Request-Id"] != second["X-Request-Id"]


def test_a_sane_incoming_request_id_is_echoed_and_a_wild_one_replaced(api):
    echoed = api.get("/api/v1/nowhere", HTTP_X_REQUEST_ID="lb-7f3a:42")
    assert echoed["X-Request-Id"] == "lb-7f3a:42"
    assert echoed.json()["error"]["request_id"] == "lb-7f3a:42"
    wild = api.get("/api/v1/contracts", HTTP_X_REQUEST_ID="<script>" + "x" * 100)
    assert wild["X-Request-Id"] != "<script>" and len(wild["X-Request-Id"]) == 32
