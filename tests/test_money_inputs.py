"""Every yuan amount that comes in is parsed by one helper, `money.parse_yuan`: whatever
it is given, it returns a two-place Decimal that both backends store exactly, or raises
the field's bilingual DomainError. Nothing is rounded to fit and no raw error escapes."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.errors import DomainError
from tests import builders
from tests.test_invalid_input import CHINESE, ENGLISH, contract_fields, rejected
from vouchers.models import Contract, Programme, Voucher
from vouchers.money import MAX_AMOUNT, parse_yuan
from vouchers.services.applications import approve_application
from vouchers.services.contracts import register_contract
from vouchers.services.redemption import redeem

TOO_PRECISE_FOR_SQLITE = "12345678901234.56"

ANY_INPUT = st.one_of(
    st.text(),
    st.from_regex(r"\A\s*[-+]?\d{0,20}(\.\d{0,4})?([eE][-+]?\d{1,4})?\s*\Z"),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


@given(value=ANY_INPUT)
def test_parse_yuan_returns_a_storable_amount_or_the_fields_bilingual_error(value):
    try:
        amount = parse_yuan(value, field="amount")
    except DomainError as exc:
        assert exc.field == "amount"
        assert exc.code == "invalid_amount"
        assert CHINESE.search(exc.message) and ENGLISH.search(exc.message), exc.message
        return
    assert isinstance(amount, Decimal)
    assert amount.as_tuple().exponent == -2
    assert -MAX_AMOUNT <= amount <= MAX_AMOUNT
    assert amount == Decimal(value if not isinstance(value, str) else value.strip())


@pytest.mark.parametrize(
    "value",
    [
        0.1,
        30000.0,
        True,
        "1e26",
        10**26,
        "abc",
        "NaN",
        "Infinity",
        "-Infinity",
        None,
        [1],
        "1.001",
        TOO_PRECISE_FOR_SQLITE,
        Decimal("1E+26"),
        Decimal("sNaN"),
        "9" * 5000,
    ],
    ids=repr,
)
def test_parse_yuan_refuses_what_is_not_an_amount_it_can_store(value):
    with pytest.raises(DomainError) as info:
        parse_yuan(value, field="billed_amount")
    assert info.value.field == "billed_amount"
    assert info.value.code == "invalid_amount"


def test_parse_yuan_accepts_the_largest_amount_and_pads_to_the_fen():
    assert parse_yuan("9999999999999.99", field="value") == MAX_AMOUNT
    assert parse_yuan(" 12.5 ", field="value") == Decimal("12.50")
    assert parse_yuan(7, field="value") == Decimal("7.00")


def test_approving_1e26_is_refused_with_the_amounts_bilingual_error(application, bob):
    with rejected("amount"):
        approve_application(application=application, by=bob, amount="1e26")


def test_redeeming_1e26_is_refused_with_the_billed_amounts_bilingual_error(
    application, bob, centre_engineer
):
    voucher = approve_application(application=application, by=bob).voucher
    with rejected("billed_amount"):
        redeem(voucher=voucher, billed_amount="1e26", by=centre_engineer)
    assert Voucher.objects.get(pk=voucher.pk).redeemed == Decimal("0.00")


# --- 15 significant digits on both backends ------------------------------------------


@pytest.mark.parametrize("value", [TOO_PRECISE_FOR_SQLITE, "99999999999999.99", "1e26"])
def test_a_contract_value_above_the_largest_amount_is_refused_not_rounded(
    application, company, centre, value
):
    with rejected("value"):
        register_contract(
            entity=company, provider=centre, by=company.clerk, **contract_fields(value=value)
        )


def test_the_largest_amount_round_trips_exactly(company, centre, chengdu, alice):
    contract = register_contract(
        entity=company, provider=centre, by=company.clerk, **contract_fields(value=MAX_AMOUNT)
    )
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], budget=str(MAX_AMOUNT)
    )
    assert Contract.objects.get(pk=contract.pk).value == MAX_AMOUNT
    assert Programme.objects.get(pk=programme.pk).total_budget == MAX_AMOUNT
    assert Contract.objects.filter(value=MAX_AMOUNT).count() == 1
    available = programme.accounts.get(kind="available")
    assert available.balance == MAX_AMOUNT
