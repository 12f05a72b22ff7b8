"""Request signing: `X-Signature: t=<unix seconds>,v2=<hex HMAC-SHA256(secret, canonical)>`
where the canonical string is

    t + "\n" + METHOD + "\n" + path + "\n" + query + "\n" + raw body

METHOD in capitals (`GET`, `POST`); path as sent, percent-encoded (`/api/v1/contracts`);
query the raw query string as sent, without the `?` (empty when there is none); the body
byte for byte (empty for a GET). So a signature is valid for one request only: another
method, path, query or body needs its own.

Several `v2` may be sent (the provider rotating its secret); one matching any of the
provider's live secrets is enough. A timestamp more than TOLERANCE seconds away from now
is refused, and api.authentication refuses a signature it has seen before, so a captured
request can be replayed neither later nor at once.

`v1` (timestamp and body only: one signed GET was valid for every GET for five minutes)
is refused with a message naming v2: signing is opt-in per provider, so a provider that
switched it on asked for protection, and a scheme that cannot give it is turned away
rather than accepted alongside.

The HMAC is fed chunk by chunk, so a streamed upload is verified without holding it.
"""

import hashlib
import hmac
import re

TOLERANCE = 300
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_SECONDS = re.compile(r"[0-9]{1,12}")


class SignatureError(Exception):
    """A missing, malformed, stale or wrong signature; the message says which, in English
    (`en`, the exception's text) and Chinese (`zh`)."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh


def _parse(header: str) -> tuple[str, list[str]]:
    timestamp, signatures, schemes = None, [], set()
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        schemes.add(name)
        if name == "t":
            timestamp = value
        elif name == "v2" and _HEX_DIGEST.fullmatch(value.lower()):
            signatures.append(value.lower())
    if "v1" in schemes and not signatures:
        raise SignatureError(
            "v1 signatures are no longer accepted: sign with v2 over the method, path, "
            "query, time and body",
            "不再接受 v1 签名：请用 v2 对方法、路径、查询串、时间和请求体签名",
        )
    if timestamp is None or not _SECONDS.fullmatch(timestamp) or not signatures:
        raise SignatureError(
            "X-Signature must read t=<unix seconds>,v2=<hex HMAC-SHA256>",
            "X-Signature 的格式须为 t=<Unix 秒数>,v2=<十六进制 HMAC-SHA256>",
        )
    return timestamp, signatures


def canonical_prefix(timestamp: str, method: str, path: str, query: str) -> bytes:
    """What is signed before the body (see the module's docstring)."""
    return f"{timestamp}\n{method.upper()}\n{path}\n{query}\n".encode()


class RequestSignature:
    """Checks the header and its timestamp at once; `update()` with the raw body, then
    `verify()`, which returns the signature that matched."""

    def __init__(self, *, secrets: list[str], header: str, now: float, method, path, query):
        self.timestamp, self.signatures = _parse(header)
        if abs(now - int(self.timestamp)) > TOLERANCE:
            raise SignatureError(
                f"the signature's timestamp is more than {TOLERANCE} s off",
                f"签名时间与服务器时间相差超过 {TOLERANCE} 秒",
            )
        prefix = canonical_prefix(self.timestamp, method, path, query)
        self._macs = [hmac.new(s.encode(), prefix, hashlib.sha256) for s in secrets]

    def update(self, chunk: bytes) -> None:
        for mac in self._macs:
            mac.update(chunk)

    def verify(self) -> str:
        expected = [mac.hexdigest() for mac in self._macs]
        # Every pair is compared, in constant time each, whatever matches first.
        matches = [s for e in expected for s in self.signatures if hmac.compare_digest(e, s)]
        if not matches:
            raise SignatureError("the signature does not match the request", "签名与请求不符")
        return matches[0]


def sign(secret: str, *, method: str, path: str, query: str = "", body: bytes, timestamp: int):
    """The header value a client sends (used by tests and the docs' example)."""
    prefix = canonical_prefix(str(timestamp), method, path, query)
    mac = hmac.new(secret.encode(), prefix + body, hashlib.sha256)
    return f"t={timestamp},v2={mac.hexdigest()}"
