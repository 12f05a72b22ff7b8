"""Small helpers for the API tests: a client with a key, a signature, the error shape."""

import time

from rest_framework.test import APIClient

from api.signing import sign


def client_with(raw_key: str | None) -> APIClient:
    client = APIClient()
    if raw_key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def signed(
    secret: str,
    body: bytes,
    *,
    at: int | None = None,
    method: str = "POST",
    path: str = "/api/v1/usage-records",
    query: str = "",
) -> str:
    """The X-Signature of one request (by default a POST of usage records)."""
    timestamp = int(time.time()) if at is None else at
    return sign(secret, method=method, path=path, query=query, body=body, timestamp=timestamp)


def error_of(response) -> dict:
    """The error body every failure shares, checked for its shape."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field", "request_id"}
    error = dict(body["error"])
    assert error.pop("request_id") == response["X-Request-Id"]
    return error


_serial = iter(range(1, 10**9))


def record(contract_number: str, amount: str = "100.00", **fields) -> dict:
    """A usage record as a provider's billing system sends it (a day in June 2024)."""
    values = {
        "record_id": f"bill-{next(_serial):06d}",
        "contract_number": contract_number,
        "period_start": "2024-06-10T00:00:00+08:00",
        "period_end": "2024-06-10T23:59:59+08:00",
        "sku": "gpu-a800-hour",
        "description": "A800 GPU hours",
        "quantity": "10",
        "unit": "hour",
        "amount": amount,
        "currency": "CNY",
    }
    values.update(fields)
    return values
