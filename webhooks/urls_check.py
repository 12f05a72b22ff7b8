"""Where a webhook may point. Production: https only, and every address the host
resolves to must be public, so that a provider cannot make the platform call its own
network (SSRF: 127.0.0.1, 10.0.0.0/8, 169.254.169.254 metadata...). Checked when the
endpoint is saved and again before every attempt, since DNS can change in between.
Redirects are never followed (webhooks/delivery.py), for the same reason.

WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_PRIVATE (both default to DEBUG) lift the rules for
development and the tests' local receiver."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from config.errors import DomainError


def check_url(url: str) -> None:
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise DomainError(
            "url",
            "Webhook 地址必须以 https:// 开头",
            "the URL must start with https://",
            code="https_required",
        )
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        _refuse_private(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


def _refuse_private(host: str, port: int) -> None:
    try:
        addresses = {
            info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        }
    except (socket.gaierror, UnicodeError):
        raise DomainError(
            "url", "无法解析该主机名", "the host name does not resolve", code="unresolvable"
        ) from None
    for address in addresses:
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            raise DomainError(
                "url",
                "Webhook 地址不能指向内网、本机或保留地址",
                "the URL must not point at a private, loopback or reserved address",
                code="private_address",
            )
