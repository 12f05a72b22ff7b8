"""Money: Decimal yuan with two places (fen). The one place that rounds in Python (the
set-wise SQL takes its rounding expressions from vouchers/money_sql.py beside it).

Every computed subsidy is rounded *down* to the fen, so the public purse never pays a
fen more than the rate allows.  Functions here refuse floats: a float has already lost
the exact value before we could round it.
"""

import unicodedata
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation

from config.errors import DomainError, bilingual

FEN = Decimal("0.01")
# A subsidy rate's places (Voucher.rate, rate tiers).
RATE_PLACES = Decimal("0.0001")
ZERO = Decimal("0.00")
# Largest amount stored: 15 significant digits (MoneyField max_digits=15, two places).
# SQLite keeps a decimal as a binary double, which holds 15 significant digits exactly
# and no more: 12345678901234.56 would read back as 12345678901234.6 there.
MAX_AMOUNT = Decimal("9999999999999.99")


class MoneyError(ValueError):
    """An amount that is not a valid yuan figure; says why in Chinese and English."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(bilingual(zh, en))


def to_decimal(value) -> Decimal:
    """Exact Decimal from a Decimal, int or numeric string; never from a float."""
    if isinstance(value, bool | float):
        raise MoneyError(
            "金额不能是浮点数或布尔值", f"money must not be a float or bool: {value!r}"
        )
    if isinstance(value, Decimal | int):
        result = Decimal(value)  # exact, whatever the size (str() of a huge int would fail)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            raise MoneyError("金额不是数字", f"not a number: {value[:40]!r}") from exc
    else:
        raise MoneyError("金额类型不支持", f"unsupported money type: {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError("金额须为有限数", f"not a finite number: {value!r}")
    return result


def yuan(value) -> Decimal:
    """An exact yuan amount with at most two places and at most MAX_AMOUNT in size."""
    amount = to_decimal(value)
    # Bound first: quantizing a huge figure (1e26) to the fen overflows the context.
    if amount.copy_abs() > MAX_AMOUNT:
        raise MoneyError(f"金额不能超过 {MAX_AMOUNT} 元", f"the amount may be at most {MAX_AMOUNT}")
    if amount != amount.quantize(FEN, rounding=ROUND_DOWN):
        raise MoneyError("金额最多两位小数（到分）", "an amount has at most two decimal places")
    return amount.quantize(FEN)


def parse_yuan(value, *, field: str) -> Decimal:
    """A typed or sent yuan amount, or the field's bilingual error, whatever the input."""
    try:
        return yuan(value)
    except MoneyError as exc:
        raise DomainError(
            field,
            f"金额无效：{exc.zh}",
            f"not a valid yuan amount: {exc.en}",
            code="invalid_amount",
        ) from exc


def round_down(value) -> Decimal:
    """Round a computed amount down to the fen (towards zero)."""
    return to_decimal(value).quantize(FEN, rounding=ROUND_DOWN)


def from_db(value) -> Decimal:
    """A money figure or sum read back from the database, as exact fen (0 for NULL).
    SQLite keeps money as binary floats, so a sum there can be a few units in the last
    place off the fen it stands for: the nearest fen is the exact figure."""
    return Decimal(str(value or 0)).quantize(FEN, rounding=ROUND_HALF_EVEN)


def rate_from_db(value) -> Decimal:
    """A rate read back from the database, to its four places (see from_db)."""
    return Decimal(str(value)).quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)


def share_of(amount, rate) -> Decimal:
    """`rate` x `amount`, rounded down to the fen."""
    return round_down(to_decimal(amount) * to_decimal(rate))


def split_by_weights(total, weights: list) -> list[Decimal]:
    """Split `total` by weights (e.g. province : city 1 : 1), each part rounded down;
    the fen left over by rounding goes to the first part so the parts sum to `total`."""
    total = yuan(total)
    weights = [to_decimal(w) for w in weights]
    if not weights or any(w <= 0 for w in weights):
        raise MoneyError("份额须为正数", "weights must be positive")
    whole = sum(weights)
    parts = [round_down(total * w / whole) for w in weights]
    parts[0] += total - sum(parts)
    return parts


def parse_rate(value, *, field: str) -> Decimal:
    """A share as people type it: `50`, `50%`, `12.5 %`, `0.5` and `５０％` are one half.
    A figure with `%`, or above 1 without it, is a percentage; 1 or less without it is
    already a share (so `1` is the whole contract, never 1%). Exact: more than four
    places of share (0.01%) is refused rather than rounded, and so is anything outside
    (0, 1]."""
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    percent = text.endswith("%")
    try:
        number = to_decimal(text.removesuffix("%"))
    except MoneyError as exc:
        raise DomainError(
            field,
            "比例无效：请填写如 50、50% 或 0.5",
            "not a valid share: type it as 50, 50% or 0.5",
            code="invalid_rate",
        ) from exc
    share = number / 100 if percent or number > 1 else number
    if not 0 < share <= 1:
        raise DomainError(
            field,
            "比例须大于 0 且不超过 100%",
            "the share must be above 0 and at most 100%",
            code="rate_out_of_range",
        )
    if share != share.quantize(RATE_PLACES, rounding=ROUND_DOWN):
        raise DomainError(
            field,
            "比例最多精确到 0.01%",
            "a share has at most two decimal places of percent (0.01%)",
            code="rate_places",
        )
    return _rate_text_places(share)


def _rate_text_places(share: Decimal) -> Decimal:
    """At least two places (0.5 -> 0.50), none beyond the significant ones (0.125)."""
    places = max(2, -share.normalize().as_tuple().exponent)
    return share.quantize(Decimal(1).scaleb(-places))
