"""API keys: created (shown once), looked up by prefix and compared by hash, revoked.
Live keys (`vk_...`) act on the provider's real objects, test keys (`sk_test_...`) on its
sandbox only (api/services/sandbox.py).

Issuing, revoking and rotating take `by`: a user must hold `api.manage_keys` on the
provider (its own staff; a superuser without that membership is refused). `by=None` is
the server operator, who runs `manage.py create_provider_key` on the server itself and
so holds the keys to everything already; nothing reachable from a browser passes None.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Provider
from accounts.permissions import require
from api.models import LIVE_KEYS_PER_PROVIDER, ApiKey, SigningSettings
from api.services import sandbox
from audit import actions
from audit import services as audit
from config.errors import DomainError

KEY_START = "vk_"
TEST_KEY_START = "sk_test_"
PREFIX_CHARS = 8
# last_used_at is written at most this often per key, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def _check(by, provider: Provider) -> None:
    if by is not None:  # None: the server operator (see the module's docstring)
        require(by, "api.manage_keys", provider)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _start_of(test: bool) -> str:
    return TEST_KEY_START if test else KEY_START


def _prefix_of(raw: str) -> str:
    return raw[: len(_start_of(raw.startswith(TEST_KEY_START))) + PREFIX_CHARS]


def create_key(*, provider: Provider, by, name: str = "", test: bool = False) -> tuple[ApiKey, str]:
    """A new key and its plain text, which is never stored and cannot be shown again.
    A test key (`test=True`) acts on the provider's sandbox only, made with the first one
    (api/services/sandbox.py); live and test keys count apart."""
    _check(by, provider)
    with transaction.atomic():
        # The provider's row lock serialises key creation: two at once cannot both see
        # one live key and make three (nor make two sandboxes).
        Provider.objects.select_for_update().get(pk=provider.pk)
        unrevoked = ApiKey.objects.filter(provider=provider, revoked_at=None, is_test=test)
        if unrevoked.count() >= LIVE_KEYS_PER_PROVIDER:
            raise DomainError(
                "provider",
                f"每个服务商最多 {LIVE_KEYS_PER_PROVIDER} 个有效密钥，请先撤销旧密钥",
                f"a provider has at most {LIVE_KEYS_PER_PROVIDER} live keys: revoke one first",
                code="too_many_keys",
            )
        if test:
            sandbox.ensure_sandbox(provider)
        raw = _start_of(test) + secrets.token_hex(PREFIX_CHARS // 2) + "_"
        raw += secrets.token_urlsafe(32)
        key = ApiKey.objects.create(
            provider=provider, name=name, prefix=_prefix_of(raw), key_hash=_hash(raw),
            created_by=by, is_test=test,
        )  # fmt: skip
        audit.record(
            actor=by, action=actions.API_KEY_CREATE, obj=key,
            after={"prefix": key.prefix, "test": test},
        )  # fmt: skip
    return key, raw


def revoke_key(*, key: ApiKey, by) -> ApiKey:
    _check(by, key.provider)
    with transaction.atomic():
        changed = ApiKey.objects.filter(pk=key.pk, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if changed:
            audit.record(
                actor=by, action=actions.API_KEY_REVOKE, obj=key, after={"prefix": key.prefix}
            )
    key.refresh_from_db(fields=["revoked_at"])
    return key


def live_key(raw: str) -> ApiKey | None:
    """The live key whose plain text is `raw`, or None (unknown, wrong or revoked)."""
    if not (raw.startswith((KEY_START, TEST_KEY_START)) and raw.isascii() and raw.isprintable()):
        return None
    # One query for the key, its provider, the provider's signing settings and sandbox.
    keys = ApiKey.objects.select_related("provider__signing", "provider__sandbox")
    key = keys.filter(prefix=_prefix_of(raw)).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(raw)):
        return None
    if key.revoked_at is not None or not key.provider.is_active:
        return None
    _note_use(key)
    return key


def _note_use(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def set_signing(*, provider: Provider, required: bool, by) -> tuple[SigningSettings, str | None]:
    """Switch signing on or off. The first switch issues the provider's secret (returned,
    to be shown once); later switches keep it, so turning signing off and on again never
    breaks an integration that already signs. `rotate_signing_secret` changes it."""
    _check(by, provider)
    with transaction.atomic():
        signing, created = SigningSettings.objects.select_for_update().get_or_create(
            provider=provider, defaults={"secret": secrets.token_hex(32)}
        )
        before = signing.signing_required
        signing.signing_required = required
        signing.save(update_fields=["signing_required", "updated_at"])
        audit.record(
            actor=by, action=actions.API_SIGNING_SET, obj=signing,
            before=None if created else {"signing_required": before},
            after={"signing_required": required, "secret_issued": created},
        )  # fmt: skip
    return signing, signing.secret if created else None


def rotate_signing_secret(*, provider: Provider, by) -> tuple[SigningSettings, str]:
    """Issue a new secret; the current one keeps verifying until the next rotation, so
    the provider can switch over without a failed request."""
    _check(by, provider)
    with transaction.atomic():
        signing = SigningSettings.objects.select_for_update().filter(provider=provider).first()
        if signing is None:
            raise DomainError(
                "provider", "该服务商尚未设置请求签名", "the provider has no signing settings yet",
                code="no_signing",
            )  # fmt: skip
        secret = secrets.token_hex(32)
        signing.previous_secret, signing.secret = signing.secret, secret
        signing.save(update_fields=["previous_secret", "secret", "updated_at"])
        audit.record(
            actor=by, action=actions.API_SIGNING_ROTATE, obj=signing,
            after={"signing_required": signing.signing_required, "rotated": True},
        )  # fmt: skip
    return signing, secret
