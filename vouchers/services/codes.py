"""Voucher codes: 16 random characters (0-9, A-Z: about 82 bits from `secrets`) plus an
ISO 7064 Mod 37,36 check character (python-stdnum), so a mistyped code is caught before
any lookup.  Shown in groups of four: `K7QM-2XDP-9RT4-WB3N-F`.
"""

import secrets
import string

from stdnum.iso7064 import mod_37_36

from config.errors import DomainError

ALPHABET = string.digits + string.ascii_uppercase
BODY_LENGTH = 16


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + mod_37_36.calc_check_digit(body)


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch not in " -")


def parse(code: str) -> str:
    """The stored form of a typed code, or a clear error if it cannot be one."""
    compact = normalise(code)
    if len(compact) != BODY_LENGTH + 1 or any(ch not in ALPHABET for ch in compact):
        raise DomainError(
            "code", "券码应为 17 位字母或数字", "a voucher code has 17 letters or digits"
        )
    if not mod_37_36.is_valid(compact):
        raise DomainError(
            "code",
            "券码校验位不符，请检查是否输错",
            "the code's check character does not match; check for a typo",
        )
    return compact


def display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
