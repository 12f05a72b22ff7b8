"""Personal data of an organisation's profile: ID numbers, phones, bank accounts.

Stored encrypted (django-fernet-encrypted-fields); beside each value sits an HMAC-SHA256
digest of its normalised form under a separate key (settings.PERSONAL_DATA_HASH_KEY), so
the related-party check compares digests and never needs the plaintext. Pages show the
masked form; unmasking is an audited action of its own.

Shareholders are written one a line, "name, code": the code is a 统一社会信用代码
(public, kept in `shareholder_codes` too, so an intermediate shareholder that is an
entity on the platform can be found) or an ID number (personal: digest only)."""

import hashlib
import hmac
import re
import unicodedata
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from encrypted_fields.fields import EncryptedCharField, EncryptedTextField

from accounts.validators import normalise_credit_code, validate_credit_code
from config.errors import bilingual

SPACES_AND_DASHES = re.compile(r"[\s\-‐‑‒–—―－]+")
NOT_DIGITS = re.compile(r"\D+")


def normalise_code(value: str) -> str:
    """ID numbers and credit codes: NFKC, no spaces or dashes, upper case."""
    return SPACES_AND_DASHES.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def normalise_digits(value: str) -> str:
    """Phones and bank accounts: the digits only."""
    return NOT_DIGITS.sub("", unicodedata.normalize("NFKC", value or ""))


def normalise_address(value: str) -> str:
    """Addresses are not secret; compared after NFKC, without spaces, case folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).casefold()


def digest(normalised: str) -> str:
    """The keyed hash the related-party check compares; empty for an empty value."""
    if not normalised:
        return ""
    key = settings.PERSONAL_DATA_HASH_KEY.encode()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str) -> str:
    """First four and last four characters, the rest starred: 5101**********1234."""
    value = (value or "").strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


class Shareholder(NamedTuple):
    name: str
    code: str  # normalised credit code or ID number

    @property
    def is_entity(self) -> bool:
        return _is_credit_code(self.code)


def _is_credit_code(code: str) -> bool:
    try:
        validate_credit_code(code)
    except ValidationError:
        return False
    return True


def parse_shareholders(text: str) -> list[Shareholder]:
    """One shareholder a line, "name, code"; one error naming every bad line."""
    rows, bad = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, code = _split(line)
        if not name or not code:
            bad.append(number)
            continue
        rows.append(Shareholder(name, normalise_code(code)))
    if bad:
        lines_zh, lines_en = "、".join(map(str, bad)), ", ".join(map(str, bad))
        raise ValidationError(
            bilingual(
                f"第 {lines_zh} 行须为“名称, 统一社会信用代码或身份证号”",
                f'line {lines_en} must be "name, credit code or ID number"',
            ),
            code="shareholders",
        )
    return rows


def _split(line: str) -> tuple[str, str]:
    name, _, code = line.replace("，", ",").partition(",")
    return name.strip(), code.strip()


class PartyProfile(models.Model):
    """What the related-party check compares, on entity declarations and providers.
    The encrypted columns are nullable: the library stores an empty value as NULL."""

    legal_rep_id = EncryptedCharField(
        "法定代表人身份证号 / legal representative's ID number",
        max_length=32,
        blank=True,
        null=True,
    )
    legal_rep_id_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    shareholder_text = EncryptedTextField(
        "股东（每行“名称, 代码”） / shareholders (one a line: name, code)", blank=True, null=True
    )
    shareholder_digests = models.JSONField(default=list, blank=True, editable=False)
    shareholder_codes = models.JSONField(default=list, blank=True, editable=False)
    registered_address = models.CharField(
        "注册地址 / registered address", max_length=200, blank=True
    )
    address_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    phone = EncryptedCharField("联系电话 / phone", max_length=32, blank=True, null=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    bank_account = EncryptedCharField(
        "银行账号 / bank account", max_length=40, blank=True, null=True
    )
    bank_account_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_digests()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        try:
            parse_shareholders(self.shareholder_text)
        except ValidationError as error:
            raise ValidationError({"shareholder_text": error.messages}) from None

    def fill_digests(self) -> None:
        """Digests and keys follow the values: set on every save, never typed."""
        shareholders = parse_shareholders(self.shareholder_text)
        self.legal_rep_id_digest = digest(normalise_code(self.legal_rep_id))
        self.shareholder_digests = sorted({digest(s.code) for s in shareholders})
        self.shareholder_codes = sorted(
            {normalise_credit_code(s.code) for s in shareholders if s.is_entity}
        )
        self.address_key = normalise_address(self.registered_address)
        self.phone_digest = digest(normalise_digits(self.phone))
        self.bank_account_digest = digest(normalise_digits(self.bank_account))

    def shareholders_masked(self) -> list[Shareholder]:
        """Credit codes shown as they are (public); ID numbers masked."""
        return [
            s if s.is_entity else Shareholder(s.name, mask(s.code))
            for s in parse_shareholders(self.shareholder_text)
        ]
