"""Who is calling: a provider, through one of its API keys (`Authorization: Bearer`),
with the request's signature checked when the provider switched signing on."""

import time

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.utils.encoding import escape_uri_path
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from api.errors import PayloadTooLarge, authentication_failed
from api.models import ApiKey
from api.services.keys import live_key
from api.signing import TOLERANCE, RequestSignature, SignatureError
from config.errors import bilingual

# What an API client may do, on objects of its own provider only.
CLIENT_PERMISSIONS = frozenset({"vouchers.answer_contract", "vouchers.see_voucher"})


class ProviderClient:
    """Stands where a user would in `request.user` and in services' `by`: permissions
    are the provider's, on its own objects only."""

    is_authenticated = True
    is_anonymous = False
    pk = None

    def __init__(self, key: ApiKey, provider):
        self.key, self.provider, self.is_test = key, provider, key.is_test

    def __str__(self):
        return f"api-key:{self.key.prefix}"

    def has_perm(self, perm: str, obj=None) -> bool:
        provider_id = getattr(obj, "provider_id", None)
        return perm in CLIENT_PERMISSIONS and provider_id == self.provider.pk


class ProviderKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        scheme, _, raw = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        key = live_key(raw.strip())
        if key is None:
            raise authentication_failed(
                bilingual("API 密钥无效或已撤销", "the API key is unknown or revoked"),
                "invalid_key",
            )
        _check_signature(request, key)
        return ProviderClient(key, _acting_provider(key)), key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def _acting_provider(key: ApiKey):
    """Whom the key acts as: its provider, or for a test key that provider's sandbox, a
    provider row of its own (api/services/sandbox.py), so that every lookup the API
    makes by provider keeps a test key off real vouchers, records and statements."""
    if not key.is_test:
        return key.provider
    sandbox = getattr(key.provider, "sandbox", None)  # loaded with the key
    if sandbox is None:  # made with the first test key: never, unless deleted since
        raise authentication_failed(
            bilingual("测试密钥没有可用的沙箱", "the test key has no sandbox"), "invalid_key"
        )
    return sandbox


def _check_signature(request, key: ApiKey) -> None:
    signing = getattr(key.provider, "signing", None)  # loaded with the key
    if signing is None or not signing.signing_required:
        return
    try:
        signature = RequestSignature(
            secrets=signing.secrets,
            header=request.META.get("HTTP_X_SIGNATURE"),
            now=time.time(),
            method=request.method,
            path=escape_uri_path(request.path),
            query=request.META.get("QUERY_STRING", ""),
        )
        view = (request.parser_context or {}).get("view")
        if getattr(view, "streams_body", False):
            # The view feeds the body as it streams it to disk, then verifies.
            request.body_signature = signature
            return
        signature.update(raw_body(request))
        verify_once(signature)
    except SignatureError as exc:
        raise invalid_signature(exc) from exc


def invalid_signature(exc: SignatureError) -> exceptions.AuthenticationFailed:
    message = bilingual(f"请求签名无效：{exc.zh}", f"invalid signature: {exc.en}")
    return authentication_failed(message, "invalid_signature")


def verify_once(signature: RequestSignature) -> None:
    """Verify, then refuse a signature seen before: a captured request sent again within
    the tolerance is a replay. `cache.add` is atomic (Redis SET NX), so of two copies
    sent at once only one passes. An entry outlives any timestamp the tolerance admits
    (up to TOLERANCE s in the future, then TOLERANCE s old). With several web processes
    the cache must be shared (CACHE_URL or REDIS_URL), as for the throttle."""
    matched = signature.verify()
    if not cache.add(f"signature-seen:{matched}", 1, timeout=2 * TOLERANCE + 1):
        raise SignatureError(
            "this signature was already used: sign each request anew",
            "该签名已使用过，每个请求须重新签名",
        )


def raw_body(request) -> bytes:
    """The request's body, read once and kept: 413 past DATA_UPLOAD_MAX_MEMORY_SIZE
    (2.5 MB), or past the view's own `max_body_bytes` when it sets one (a full batch of
    usage records needs more: api/batch.py)."""
    limit = getattr((request.parser_context or {}).get("view"), "max_body_bytes", None)
    if limit is None:
        try:
            return request._request.body
        except RequestDataTooBig as exc:
            raise PayloadTooLarge() from exc
    django_request = request._request
    if not hasattr(django_request, "api_body"):
        django_request.api_body = _read_at_most(django_request, limit)
    return django_request.api_body


def _read_at_most(django_request, limit: int) -> bytes:
    # Django's `body` knows only the site-wide limit, so the stream is read here; the
    # declared length is refused before reading, a body without one at limit + 1 bytes.
    if int(django_request.META.get("CONTENT_LENGTH") or 0) > limit:
        raise PayloadTooLarge()
    body = django_request.read(limit + 1)
    if len(body) > limit:
        raise PayloadTooLarge()
    return body
