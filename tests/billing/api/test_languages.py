"""Every API error in the language the client asks for (Accept-Language: en or zh),
Chinese by default; a request id on every answer and in every error body."""

import pytest
from django.core.cache import cache

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


@pytest.mark.parametrize("status", sorted(CALLS))
def test_errors_answer_in_chinese_by_default(api, status):
    response = CALLS[status](api, {})
    assert response.status_code == status
    assert has_chinese(message(response))


def test_throttled_answers_in_each_language(api, throttled):
    english = throttled(api, EN)
    assert english.status_code == 429 and not has_chinese(message(english))
    cache.clear()
    chinese = throttled(api, ZH)
    assert chinese.status_code == 429 and has_chinese(message(chinese))


def test_a_domain_error_answers_with_its_half(api):
    english, chinese, both = (unknown_voucher(api, h) for h in (EN, ZH, {}))
    assert english.status_code == chinese.status_code == both.status_code == 400
    assert not has_chinese(message(english)) and has_chinese(message(chinese))
    assert message(both) == f"{message(chinese)} / {message(english)}"


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
