from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from config.errors import bilingual

# Field-level, so a negative or zero amount is reported against the field that holds it.
positive_money = MinValueValidator(Decimal("0.01"))
non_negative_money = MinValueValidator(Decimal("0"))

# Half a fen: the tolerance for a constraint that adds money columns. SQLite stores
# decimals as binary floats, so 0.1 + 0.2 may exceed 0.3 by a hair there; every stored
# amount is a whole number of fen, so "sum <= x + half a fen" means exactly "sum <= x".
HALF_FEN = Decimal("0.005")


class MoneyField(models.DecimalField):
    """Yuan with two places (fen). Never a float."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        # A float has lost the exact amount before we see it; refuse it rather than guess.
        if isinstance(value, float):
            raise ValidationError(
                bilingual("金额不能是浮点数，请输入精确的元和分", "money must not be a float"),
                code="float_money",
            )
        return super().to_python(value)


class RateField(models.DecimalField):
    """A share such as 0.5 or 0.2; four places."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(*args, **kwargs)
