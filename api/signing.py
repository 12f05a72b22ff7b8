"""Request signing: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw
body)>`. Several `v1` may be sent (the provider rotating its secret); one matching any
of the provider's live secrets is enough. A timestamp more than TOLERANCE seconds away
from now is refused, so a captured request cannot be replayed later.

The HMAC is fed chunk by chunk, so a streamed upload is verified without holding it.
"""

import hashlib
import hmac
import re

TOLERANCE = 300
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_SECONDS = re.compile(r"[0-9]{1,12}")


class SignatureError(Exception):
    """A missing, malformed, stale or wrong signature; the message says which."""


def _parse(header: str) -> tuple[str, list[str]]:
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            timestamp = value
        elif name == "v1" and _HEX_DIGEST.fullmatch(value.lower()):
            signatures.append(value.lower())
    if timestamp is None or not _SECONDS.fullmatch(timestamp) or not signatures:
        raise SignatureError("X-Signature must read t=<unix seconds>,v1=<hex HMAC-SHA256>")
    return timestamp, signatures


class BodySignature:
    """Checks the header and its timestamp at once; `update()` with the raw body, then
    `verify()`."""

    def __init__(self, *, secrets: list[str], header: str, now: float):
        self.timestamp, self.signatures = _parse(header)
        if abs(now - int(self.timestamp)) > TOLERANCE:
            raise SignatureError(f"the signature's timestamp is more than {TOLERANCE} s off")
        prefix = self.timestamp.encode() + b"."
        self._macs = [hmac.new(s.encode(), prefix, hashlib.sha256) for s in secrets]

    def update(self, chunk: bytes) -> None:
        for mac in self._macs:
            mac.update(chunk)

    def verify(self) -> None:
        expected = [mac.hexdigest() for mac in self._macs]
        # Every pair is compared, in constant time each, whatever matches first.
        matches = [hmac.compare_digest(e, s) for e in expected for s in self.signatures]
        if not any(matches):
            raise SignatureError("the signature does not match the body")


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value a client sends (used by tests and the docs' example)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"
