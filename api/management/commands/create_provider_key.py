"""python manage.py create_provider_key <provider> [--name N] [--test] [--revoke PREFIX]
                                           [--signing on|off] [--rotate-secret]

<provider> is the provider's slug (as the API contract names it, e.g. `cd-icc`; see
the provider in the admin); its credit code (统一社会信用代码) is accepted as well. Prints a new key once; it cannot be shown again. Rotation: create a second
key, switch the integration to it, then `--revoke` the old one's prefix. Signing: the
first `--signing on` prints the secret; `--rotate-secret` issues a new one (the old one
keeps verifying until the next rotation). `--test` makes a test key (`sk_test_...`),
which acts on the provider's sandbox only, and prints the sandbox's vouchers.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Provider
from accounts.validators import normalise_credit_code
from api.models import ApiKey
from api.services.keys import create_key, revoke_key, rotate_signing_secret, set_signing
from api.services.sandbox import sandbox_vouchers
from config.errors import DomainError

# Whoever runs this command on the server is the operator: the key services check a
# user's `api.manage_keys`, and take None for the operator (api/services/keys.py).
OPERATOR = None


class Command(BaseCommand):
    help = "Create (or revoke) an API key for a compute provider, identified by slug."

    def add_arguments(self, parser):
        parser.add_argument("provider", help="the provider's slug (or its credit code)")
        parser.add_argument("--name", default="", help="a label for the key")
        parser.add_argument(
            "--test", action="store_true", help="a test key, for the provider's sandbox only"
        )
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the key with this prefix")
        parser.add_argument(
            "--signing", choices=["on", "off"], help="switch request signing on or off"
        )
        parser.add_argument(
            "--rotate-secret", action="store_true", help="issue a new signing secret"
        )

    def handle(self, *args, provider, name, test, revoke, signing, rotate_secret, **options):
        found = _provider(provider)
        if revoke:
            self._revoke(found, revoke)
        elif signing:
            _, secret = set_signing(provider=found, required=signing == "on", by=OPERATOR)
            self.stdout.write(f"signing {signing}")
            if secret:
                self.stdout.write(f"secret (shown once): {secret}")
        elif rotate_secret:
            try:
                _, secret = rotate_signing_secret(provider=found, by=OPERATOR)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"new secret (shown once; the old one verifies until the next rotation): {secret}"
            )
        else:
            self._create(found, name, test)

    def _create(self, provider, name, test):
        try:
            key, raw = create_key(provider=provider, by=OPERATOR, name=name, test=test)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        kind = "test key" if test else "key"
        self.stdout.write(f"{kind} {key.prefix} for {provider.name} (shown once):")
        self.stdout.write(raw)
        if test:
            self.stdout.write("sandbox vouchers (contract number, voucher code, face value):")
            for voucher in sandbox_vouchers(provider):
                self.stdout.write(
                    f"  {voucher.contract.number}  {voucher.code}  {voucher.face_value}"
                )

    def _revoke(self, provider, prefix):
        key = ApiKey.objects.filter(provider=provider, prefix=prefix).first()
        if key is None:
            raise CommandError(f"no key {prefix} for this provider")
        revoke_key(key=key, by=OPERATOR)
        self.stdout.write(f"revoked {prefix}")


def _provider(name: str) -> Provider:
    """By slug, else by credit code (what the command took before slugs existed)."""
    found = Provider.objects.filter(slug=name.strip().lower()).first()
    found = found or Provider.objects.filter(credit_code=normalise_credit_code(name)).first()
    if found is None:
        raise CommandError(f"no provider with slug or credit code {name}")
    return found
