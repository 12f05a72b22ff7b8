"""Demo officers' second factor, so a newcomer can sign in to the government portal.

Demo data only: each officer gets an authenticator key and ten backup codes, and
`load_demo` prints the key and a few of the codes. A real officer enrols on their own
phone (/authority/two-factor/enrol/) and sees their codes once. Idempotent: a second run
keeps the devices and prints the codes still unused."""

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership
from authority.services import two_factor

SHOWN_CODES = 3


def ensure_for(users) -> list[tuple[str, str, list[str]]]:
    """(username, authenticator key, some unused backup codes) for each officer."""
    officers = Membership.objects.filter(user__in=users, role__in=Membership.AUTHORITY_ROLES)
    rows = []
    for user in sorted({m.user for m in officers.select_related("user")}, key=lambda u: u.pk):
        with transaction.atomic():
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
                two_factor.issue_backup_codes(user)
            rows.append((user.username, two_factor.secret(device), _unused_codes(user)))
    return rows


def _unused_codes(user) -> list[str]:
    tokens = StaticToken.objects.filter(device__in=StaticDevice.objects.filter(user=user))
    return list(tokens.order_by("pk").values_list("token", flat=True)[:SHOWN_CODES])


def table(rows) -> str:
    width = max(len(username) for username, _, _ in rows)
    return "\n".join(
        f"{username:<{width}}  {' '.join(codes)}  (key {key})" for username, key, codes in rows
    )
