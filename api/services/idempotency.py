"""Idempotency-Key: a retried request gets the first answer, byte for byte.

The answer is stored in the same transaction as the work it reports, so a retry either
finds both or neither. Two requests with one key at once: the unique key lets one store
its answer; the other, whose work found only duplicates, returns the stored one.
Answers are kept for KEEP_FOR, then purged daily (api/tasks.py).
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from api.errors import ApiError
from api.models import IdempotentResponse
from config.errors import bilingual

MAX_KEY_LENGTH = 255
# A client retries within minutes, or within days after an outage on its side; a week
# covers both without keeping every batch's answer for ever.
KEEP_FOR = timedelta(days=7)


def request_hash(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()


def first_answer(
    *, provider, key: str | None, fingerprint: str, run: Callable[[], tuple[int, bytes]]
) -> tuple[int, bytes, bool]:
    """(status, body, replayed): `run()`'s answer, or the one stored for this key."""
    if key is None:
        return *run(), False
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiError(
            "invalid",
            bilingual(
                f"Idempotency-Key 须为 1 到 {MAX_KEY_LENGTH} 个可见字符",
                f"an Idempotency-Key has 1 to {MAX_KEY_LENGTH} printable characters",
            ),
            field="Idempotency-Key",
        )
    stored = IdempotentResponse.objects.filter(provider=provider, key=key).first()
    if stored is None:
        with transaction.atomic():
            status, body = run()
            stored = _store(provider, key, fingerprint, status, body)
        if stored is None:
            return status, body, False
    if stored.request_hash != fingerprint:
        raise ApiError(
            "idempotency_key_reused",
            bilingual(
                "该 Idempotency-Key 已用于另一请求",
                "this Idempotency-Key was used for another request",
            ),
            field="Idempotency-Key",
            status_code=422,
        )
    return stored.status_code, bytes(stored.body), True


def _store(provider, key, fingerprint, status, body) -> IdempotentResponse | None:
    """None if ours is the first answer; else the one another request stored first."""
    try:
        with transaction.atomic():
            IdempotentResponse.objects.create(
                provider=provider, key=key, request_hash=fingerprint, status_code=status, body=body
            )
        return None
    except IntegrityError:
        return IdempotentResponse.objects.get(provider=provider, key=key)


def purge_expired() -> int:
    """Delete the answers older than KEEP_FOR; how many went."""
    cutoff = timezone.now() - KEEP_FOR
    deleted, _ = IdempotentResponse.objects.filter(created_at__lt=cutoff).delete()
    return deleted
