"""A share typed as people type it (vouchers.money.parse_rate): one parser for the builder."""

from decimal import Decimal

import pytest

from config.errors import DomainError
from vouchers.money import parse_rate


@pytest.mark.parametrize(
    ("typed", "share"),
    [
        ("50", "0.50"),
        ("50%", "0.50"),
        ("0.5", "0.50"),
        (" 50 % ", "0.50"),
        ("５０％", "0.50"),
        ("12.5%", "0.125"),
        ("0.125", "0.125"),
        ("1", "1.00"),  # the whole contract, never 1%
        ("100%", "1.00"),
        ("0.01%", "0.0001"),
    ],
)
def test_a_share_is_read_the_way_it_was_meant(typed, share):
    assert parse_rate(typed, field="rate") == Decimal(share)
    assert str(parse_rate(typed, field="rate")) == share


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("abc", "invalid_rate"),
        ("", "invalid_rate"),
        ("NaN", "invalid_rate"),
        ("0", "rate_out_of_range"),
        ("-5", "rate_out_of_range"),
        ("150%", "rate_out_of_range"),
        ("101", "rate_out_of_range"),
        ("12.345%", "rate_places"),
    ],
)
def test_a_share_that_is_not_one_is_refused_naming_the_field(typed, code):
    with pytest.raises(DomainError) as refused:
        parse_rate(typed, field="claim_share_cap")
    assert refused.value.field == "claim_share_cap"
    assert refused.value.code == code
    assert refused.value.zh and refused.value.en
