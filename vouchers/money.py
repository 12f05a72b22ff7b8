"""Money: Decimal yuan with two places (fen). The one place that rounds.

Every computed subsidy is rounded *down* to the fen, so the public purse never pays a
fen more than the rate allows.  Functions here refuse floats: a float has already lost
the exact value before we could round it.
"""

from decimal import ROUND_DOWN, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
# Largest amount the schema stores (DecimalField max_digits=16, decimal_places=2).
MAX_AMOUNT = Decimal("99999999999999.99")


class MoneyError(ValueError):
    """An amount that is not a valid yuan figure."""


def to_decimal(value) -> Decimal:
    """Exact Decimal from a Decimal, int or numeric string; never from a float."""
    if isinstance(value, bool | float):
        raise MoneyError(f"money must not be a float or bool: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise MoneyError(f"not a number: {value!r}") from exc
    else:
        raise MoneyError(f"unsupported money type: {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError(f"not a finite number: {value!r}")
    return result


def yuan(value) -> Decimal:
    """An exact yuan amount with at most two places; refuses anything finer than a fen."""
    amount = to_decimal(value)
    if amount != amount.quantize(FEN, rounding=ROUND_DOWN):
        raise MoneyError(f"more than two decimal places: {value!r}")
    if abs(amount) > MAX_AMOUNT:
        raise MoneyError(f"amount too large: {value!r}")
    return amount.quantize(FEN)


def round_down(value) -> Decimal:
    """Round a computed amount down to the fen (towards zero)."""
    return to_decimal(value).quantize(FEN, rounding=ROUND_DOWN)


def share_of(amount, rate) -> Decimal:
    """`rate` x `amount`, rounded down to the fen."""
    return round_down(to_decimal(amount) * to_decimal(rate))


def split_by_weights(total, weights: list) -> list[Decimal]:
    """Split `total` by weights (e.g. province : city 1 : 1), each part rounded down;
    the fen left over by rounding goes to the first part so the parts sum to `total`."""
    total = yuan(total)
    weights = [to_decimal(w) for w in weights]
    if not weights or any(w <= 0 for w in weights):
        raise MoneyError("weights must be positive")
    whole = sum(weights)
    parts = [round_down(total * w / whole) for w in weights]
    parts[0] += total - sum(parts)
    return parts
