"""Voucher codes: 16 random characters (0-9, A-Z: about 82 bits from `secrets`) plus an
ISO 7064 MOD 37-2 check character (python-stdnum), so a mistyped code is caught before
any lookup.  Shown in groups of four: `K7QM-2XDP-9RT4-WB3N-0`.

Why MOD 37-2: it is a pure system over a prime modulus (37) with weights 2^i, so a single
changed character shifts the checksum by (a - b) * 2^i and a swap of neighbours by
(a - b) * 2^i, both non-zero modulo 37 for any two different characters of the 36-letter
alphabet: every single-character error and every adjacent transposition is caught (the
exhaustive test in tests/test_voucher_codes.py checks it). The hybrid MOD 37,36 used
before missed about 0.16% of swaps. The price is a 37th check character, `*`, which only
ever stands last.
"""

import secrets
import string

from stdnum.iso7064 import mod_37_2

from config.errors import DomainError

ALPHABET = string.digits + string.ascii_uppercase
CHECK_ALPHABET = ALPHABET + "*"
BODY_LENGTH = 16


def new_code() -> str:
    return with_check("".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH)))


def with_check(body: str) -> str:
    return body + mod_37_2.calc_check_digit(body)


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch not in " -")


def parse(code: str) -> str:
    """The stored form of a typed code, or a clear error if it cannot be one."""
    compact = normalise(code)
    body, check = compact[:-1], compact[-1:]
    well_formed = len(body) == BODY_LENGTH and check and check in CHECK_ALPHABET
    if not well_formed or any(ch not in ALPHABET for ch in body):
        raise _malformed()
    if not mod_37_2.is_valid(compact):
        raise DomainError(
            "code",
            "券码校验位不符，请检查是否输错",
            "the code's check character does not match; check for a typo",
        )
    return compact


def _malformed() -> DomainError:
    return DomainError(
        "code",
        "券码应为 16 位字母或数字加 1 位校验符",
        "a voucher code has 16 letters or digits and a check character",
    )


def display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
