"""Provider API keys, per-provider request signing, and idempotent responses.

A live key is `vk_<prefix>_<secret>`, a test key `sk_test_<prefix>_<secret>`: the prefix (shown in the admin and logs) finds the row,
the SHA-256 of the whole key is all that is stored, compared in constant time. A signing
secret must be read back to verify an HMAC, so it lives apart from the keys. At most
two live keys per provider (rotation: create the new one, switch, revoke the old one).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Provider

LIVE_KEYS_PER_PROVIDER = 2


class ApiKey(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField("名称 / name", max_length=100, blank=True)
    prefix = models.CharField("前缀 / prefix", max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField("撤销时间 / revoked at", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用 / last used", null=True, blank=True)
    # A test key (`sk_test_...`) acts on its provider's sandbox only (api/services/sandbox.py).
    is_test = models.BooleanField("测试密钥 / test key", default=False, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "接口密钥 / API key"
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["provider"], condition=Q(revoked_at=None), name="live_api_keys")
        ]

    def __str__(self):
        return f"{self.prefix}… ({self.provider})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class SigningSettings(models.Model):
    """Request signing for one provider. `previous_secret` keeps verifying during a
    rotation, until it is cleared."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="signing")
    signing_required = models.BooleanField("要求签名 / signing required", default=False)
    secret = models.CharField("签名密钥 / signing secret", max_length=128)
    previous_secret = models.CharField("上一签名密钥 / previous secret", max_length=128, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "请求签名 / request signing"

    def __str__(self):
        return f"{self.provider}: {'on' if self.signing_required else 'off'}"

    @property
    def secrets(self) -> list[str]:
        return [s for s in (self.secret, self.previous_secret) if s]


class IdempotentResponse(models.Model):
    """The first answer to a request sent with an `Idempotency-Key`, replayed on retries."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "幂等应答 / idempotent response"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "key"], name="one_answer_per_idempotency_key"
            )
        ]

    def __str__(self):
        return f"{self.provider_id}:{self.key} -> {self.status_code}"
