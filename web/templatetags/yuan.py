"""`{{ amount|yuan }}`: money as ¥1,000,000.00.

Formatting only: the value is shown exactly as stored (rounding happens in
vouchers/money.py and nowhere else). A value with more than two places, such as a
provider's unit price, keeps all of them.
"""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        raise TypeError("money is Decimal, never float")
    amount = Decimal(value)
    places = max(2, -amount.as_tuple().exponent) if amount.is_finite() else 2
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.{places}f}"
