"""Second factor (django-otp): one TOTP device and ten single-use backup codes per user.

Enrolment starts an unconfirmed TOTP device; the first valid code confirms it, replaces
whatever the user had before (audited as a re-enrolment when there was something) and
issues fresh backup codes, shown once. Verification is throttled by django-otp's own
counters on each device (1, 2, 4, 8 … seconds after successive failures), kept under the
device's row lock (`django_otp.verify_token`), so parallel guesses cannot skip the delay.
"""

import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import segno
from django.db import transaction
from django.utils.translation import gettext
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import actions
from audit import services as audit

BACKUP_CODES = 10
PENDING = "pending"
# An authenticator shows six digits; a backup code is eight letters and digits.
TOTP_SHAPE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Outcome:
    device: object | None
    locked_until: datetime | None = None


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed device, made on first use: reloading the page keeps the QR."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, name=PENDING)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, drawn here (no outside service)."""
    code = segno.make(device.config_url, error="m")
    title = gettext("QR code for your authenticator app")
    return code.svg_inline(scale=5, title=title, dark="#000", light="#fff")


def secret(device: TOTPDevice) -> str:
    """The key as an authenticator app types it in (base32, groups of four)."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def confirm_enrolment(*, user, token: str) -> tuple[Outcome, list[str]]:
    """Confirm the pending device with a code from it; on success the user's old devices
    go, fresh backup codes come (returned once, in clear) and the change is audited."""
    device = pending_device(user)
    outcome = _verify(user, device, token)
    if outcome.device is None:
        return outcome, []
    with transaction.atomic():
        replaced = _remove_confirmed_devices(user)
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True, name="authenticator")
        device.refresh_from_db()
        codes = issue_backup_codes(user)
        audit.record(
            actor=user,
            action=actions.TWO_FACTOR_REENROL if replaced else actions.TWO_FACTOR_ENROL,
            obj=user,
            before={"devices": replaced},
            after={"devices": 2},
        )
    return Outcome(device), codes


def _remove_confirmed_devices(user) -> int:
    totp, _ = TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    static, _ = StaticDevice.objects.filter(user=user).delete()
    return totp + static


def issue_backup_codes(user) -> list[str]:
    device = StaticDevice.objects.create(user=user, name="backup codes")
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(*, user, token: str) -> Outcome:
    """Check a code from the authenticator (six digits) or a backup code (used up)."""
    token = "".join(token.split()).lower()
    model = TOTPDevice if TOTP_SHAPE.fullmatch(token) else StaticDevice
    device = model.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return Outcome(None)
    return _verify(user, device, token)


def _verify(user, device, token: str) -> Outcome:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return Outcome(None, locked_until=details.get("locked_until"))
    return Outcome(verify_token(user, device.persistent_id, token))
