from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from config.errors import bilingual
from vouchers.money import MoneyError, yuan

# Field-level, so a negative or zero amount is reported against the field that holds it.
positive_money = MinValueValidator(Decimal("0.01"))
non_negative_money = MinValueValidator(Decimal("0"))

# Half a fen: the tolerance for a constraint that adds money columns. SQLite stores
# decimals as binary floats, so 0.1 + 0.2 may exceed 0.3 by a hair there; every stored
# amount is a whole number of fen, so "sum <= x + half a fen" means exactly "sum <= x".
HALF_FEN = Decimal("0.005")


def _checked_yuan(value):
    """`money.yuan`, its refusal as a validation error that names no field: the form or
    the model puts it under the field being cleaned."""
    try:
        return yuan(value)
    except MoneyError as exc:
        raise ValidationError(str(exc), code="invalid_amount") from exc


class MoneyFormField(forms.DecimalField):
    """A typed amount, refused with the money module's bilingual reason (too large, more
    than two places, not a number) instead of being rounded to fit."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return _checked_yuan(value.strip() if isinstance(value, str) else value)


class MoneyField(models.DecimalField):
    """Yuan with two places (fen), at most `money.MAX_AMOUNT`. Never a float.

    15 significant digits: what SQLite's binary doubles hold exactly, so both backends
    store the same figures."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def clean(self, value, model_instance):
        # Before Django's to_python, which would round an over-long figure to max_digits.
        if value is not None:
            _checked_yuan(value)
        return super().clean(value, model_instance)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MoneyFormField, **kwargs})

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
