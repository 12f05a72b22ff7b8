"""The signature a receiver checks: `X-Webhook-Signature: t=<unix>,v1=<hex>` where hex is
HMAC-SHA256(secret, "<t>.<body>"). The timestamp is signed so that a captured delivery
cannot be replayed later: receivers refuse a `t` more than a few minutes old."""

import hashlib
import hmac
import json

HEADER = "X-Webhook-Signature"


def body_of(payload: dict) -> bytes:
    """The same bytes at every attempt, so a retry carries the body that was logged."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(*, secret: str, header: str, body: bytes) -> bool:
    """What a receiver does (the docs show it; the tests use it)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if "t" not in parts or "v1" not in parts or not parts["t"].isdigit():
        return False
    expected = signature(secret=secret, timestamp=int(parts["t"]), body=body)
    return hmac.compare_digest(expected, header)
