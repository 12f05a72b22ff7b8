"""System checks for settings a production start must not get wrong silently."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=False)
def check_site_url(app_configs, **kwargs) -> list[Error]:
    """E-mails link to SITE_URL; the development default (127.0.0.1) would send users to
    their own machine, so with DEBUG off it must be set, to an absolute http(s) address."""
    if settings.DEBUG:
        return []
    parts = urlsplit(settings.SITE_URL or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return []
    return [
        Error(
            f"SITE_URL must be the site's absolute address when DEBUG is off, got {settings.SITE_URL!r}",
            hint="Set SITE_URL, e.g. https://vouchers.example.cn; e-mail links start with it.",
            id="voucher.E001",
        )
    ]
