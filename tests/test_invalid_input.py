"""Bad input gets a clear error naming the field, in Chinese and English, and nothing
already stored is lost or changed by it.

Each database test starts from the same world (星河's submitted application for a
100,000 yuan contract under alice's programme) and snapshots every row of every model
of the project before and after the refused call.
"""

import copy
import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.services import declare_profile, register_entity
from config.errors import DomainError
from tests import builders
from vouchers.models import Voucher
from vouchers.money import MoneyError, round_down, share_of, split_by_weights, to_decimal, yuan
from vouchers.services import codes
from vouchers.services.applications import approve_application
from vouchers.services.contracts import register_contract
from vouchers.services.programmes import create_programme, revise_rules
from vouchers.services.redemption import redeem

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{3,}")


def counts(rows: dict) -> dict:
    return {label: len(table) for label, table in rows.items()}


def messages_for(error, field: str) -> str:
    if isinstance(error, DomainError):
        assert error.field == field, error
        return error.message
    assert field in error.message_dict, error.message_dict
    return " ".join(error.message_dict[field])


@contextmanager
def rejected(field: str):
    """Expect a refusal naming `field` in both languages, with every stored row intact."""
    before = builders.stored_rows()
    with pytest.raises((ValidationError, DomainError)) as info:
        yield info
    text = messages_for(info.value, field)
    assert CHINESE.search(text), text
    assert ENGLISH.search(text), text
    after = builders.stored_rows()
    assert counts(after) == counts(before)
    assert after == before


@pytest.fixture
def world(application):
    """Something already stored that bad input must not disturb."""
    return application


# --- credit codes --------------------------------------------------------------------

VALID_CODE = builders.credit_code(serial=424242)
WRONG_CHECK_DIGIT = VALID_CODE[:-1] + ("0" if VALID_CODE[-1] != "0" else "1")
BAD_CREDIT_CODES = {
    "wrong check digit": WRONG_CHECK_DIGIT,
    "too short": VALID_CODE[:-1],
    "too long": VALID_CODE + "1",
    "letter O": VALID_CODE[:10] + "O" + VALID_CODE[11:],
    "punctuation": VALID_CODE[:16] + "!" + VALID_CODE[17:],
    "empty": "",
}


def register(code: str):
    return register_entity(
        name="成都无效代码科技有限公司",
        credit_code=code,
        legal_representative="张三",
        kind="enterprise",
    )


@pytest.mark.parametrize("code", BAD_CREDIT_CODES.values(), ids=BAD_CREDIT_CODES.keys())
def test_a_bad_credit_code_is_refused(world, code):
    with rejected("credit_code"):
        register(code)

    # The same call with a valid code (typed in groups, lower case) is accepted.
    spaced = " ".join(VALID_CODE[i : i + 6] for i in range(0, 18, 6)).lower()
    assert register(spaced).credit_code == VALID_CODE


def test_a_credit_code_already_registered_is_refused(world, company):
    with rejected("credit_code"):
        register(company.credit_code)


# --- contracts -----------------------------------------------------------------------


def contract_fields(**changes) -> dict:
    fields = {
        "number": "CDZS-2024-0601",
        "signed_on": date(2024, 3, 1),
        "service_start": date(2024, 3, 1),
        "service_end": date(2024, 12, 31),
        "value": Decimal("100000.00"),
        "accelerator_origin": "domestic",
    }
    return {**fields, **changes}


BAD_VALUES = {
    "negative": Decimal("-100.00"),
    "zero": Decimal("0.00"),
    "words": "十万元",
    "letters": "abc",
    "three places": "100.001",
    "not a number": Decimal("NaN"),
}


@pytest.mark.parametrize("value", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_a_contract_value_must_be_a_positive_yuan_amount(world, company, centre, value):
    with rejected("value"):
        register_contract(
            entity=company, provider=centre, by=company.clerk, **contract_fields(value=value)
        )

    good = register_contract(entity=company, provider=centre, by=company.clerk, **contract_fields())
    assert good.value == Decimal("100000.00")


def test_a_contract_service_period_must_be_in_order(world, company, centre):
    with rejected("service_end"):
        register_contract(
            entity=company,
            provider=centre,
            by=company.clerk,
            **contract_fields(service_start=date(2024, 6, 1), service_end=date(2024, 5, 31)),
        )

    one_day = contract_fields(service_start=date(2024, 6, 1), service_end=date(2024, 6, 1))
    assert register_contract(entity=company, provider=centre, by=company.clerk, **one_day)


# --- declarations --------------------------------------------------------------------


def test_a_declaration_with_negative_revenue_is_refused(world, company):
    declared = company.current_declaration()
    fields = {
        "declared_on": date(2024, 6, 1),
        "fiscal_year": 2023,
        "registered_region": builders.CHENGDU,
        "industry": "65",
        "employees": 120,
    }

    with rejected("prior_year_revenue"):
        declare_profile(
            entity=company, by=company.clerk, prior_year_revenue=Decimal("-0.01"), **fields
        )

    assert company.current_declaration() == declared
    declare_profile(entity=company, by=company.clerk, prior_year_revenue=Decimal("0"), **fields)
    assert company.current_declaration() != declared


# --- programmes and rule sets --------------------------------------------------------


def programme_fields(authority, **changes) -> dict:
    fields = {
        "authority": authority,
        "code": "chengdu-2025",
        "name_zh": "成都市2025年算力券",
        "name_en": "Chengdu compute vouchers 2025",
        "region_code": builders.CHENGDU,
        "region_name": "成都市",
        "year": 2025,
        "total_budget": Decimal("10000000.00"),
        "applications_open": date(2025, 1, 1),
        "applications_close": date(2025, 12, 31),
        "voucher_validity_months": 12,
        "min_award": Decimal("10000.00"),
        "annual_cap": Decimal("1000000.00"),
        "settlement_mode": "provider_deducts",
        "voucher_kinds": ["cash_compute"],
    }
    return {**fields, **changes}


BAD_PROGRAMMES = {
    "window closes before it opens": (
        "applications_close",
        {"applications_open": date(2025, 6, 1), "applications_close": date(2025, 5, 31)},
    ),
    "negative budget": ("total_budget", {"total_budget": Decimal("-1.00")}),
    "non-numeric budget": ("total_budget", {"total_budget": "一千万"}),
    "negative minimum award": ("min_award", {"min_award": Decimal("-1.00")}),
    "share cap above 1": ("claim_share_cap", {"claim_share_cap": Decimal("1.5")}),
    "unknown voucher kind": ("voucher_kinds", {"voucher_kinds": ["gift_card"]}),
}


@pytest.mark.parametrize(("field", "changes"), BAD_PROGRAMMES.values(), ids=BAD_PROGRAMMES.keys())
def test_a_bad_programme_is_refused(world, chengdu, alice, centre, field, changes):
    with rejected(field):
        create_programme(
            by=alice,
            fields=programme_fields(chengdu, **changes),
            rules=builders.CHENGDU_RULES,
            providers=[centre],
        )

    created = create_programme(
        by=alice, fields=programme_fields(chengdu), rules=builders.CHENGDU_RULES, providers=[centre]
    )
    assert created.current_ruleset().version == 1


def broken_rules() -> dict:
    rules = copy.deepcopy(builders.CHENGDU_RULES)
    rules["rules"][1]["min_revenue"] = 10000000  # a JSON number, not a decimal string
    rules["rate_tiers"][0]["rate"] = "1.50"
    return rules


def test_a_programme_with_an_invalid_rule_set_is_not_created(world, chengdu, alice, centre):
    with rejected("document") as info:
        create_programme(
            by=alice, fields=programme_fields(chengdu), rules=broken_rules(), providers=[centre]
        )

    paths = [path for path, _, _ in info.value.errors]
    assert paths == ["rules[1].min_revenue", "rate_tiers[0].rate"]


def test_an_invalid_rule_revision_keeps_the_current_version(world, programme, alice):
    with rejected("document") as info:
        revise_rules(programme=programme, by=alice, rules=broken_rules(), note="坏版本")

    assert "rate_tiers[0].rate" in info.value.message
    assert programme.current_ruleset().version == 1
    assert revise_rules(programme=programme, by=alice, rules=builders.CHENGDU_RULES).version == 2


def test_a_zero_voucher_validity_is_reported_against_its_field(world, chengdu, alice):
    with rejected("voucher_validity_months"):
        create_programme(
            by=alice,
            fields=programme_fields(chengdu, voucher_validity_months=0),
            rules=builders.CHENGDU_RULES,
        )


def test_negative_accelerator_hours_are_reported_against_their_field(world, company, centre):
    with rejected("accelerator_hours"):
        register_contract(
            entity=company,
            provider=centre,
            by=company.clerk,
            **contract_fields(accelerator_hours=Decimal("-1")),
        )


# --- money ---------------------------------------------------------------------------

FLOAT_CALLS = {
    "yuan": lambda: yuan(0.1),
    "yuan of a whole float": lambda: yuan(100.0),
    "to_decimal": lambda: to_decimal(1.5),
    "round_down": lambda: round_down(1.005),
    "share_of amount": lambda: share_of(1000.01, "0.5"),
    "share_of rate": lambda: share_of("1000.01", 0.5),
    "split_by_weights": lambda: split_by_weights(100.0, [1, 1]),
    "a bool": lambda: yuan(True),
}


@pytest.mark.parametrize("call", FLOAT_CALLS.values(), ids=FLOAT_CALLS.keys())
def test_money_functions_refuse_floats(call):
    with pytest.raises(MoneyError, match="float"):
        call()


@pytest.mark.parametrize("value", ["1.001", "abc", "NaN", "Infinity", "", None, [1]], ids=repr)
def test_yuan_refuses_what_is_not_an_exact_fen_amount(value):
    with pytest.raises(MoneyError):
        yuan(value)


def test_yuan_accepts_exact_amounts():
    assert yuan("1000.1") == Decimal("1000.10")
    assert yuan(Decimal("0.01")) == Decimal("0.01")
    assert yuan(7) == Decimal("7.00")


BAD_AMOUNTS = {
    "negative": "-100.00",
    "zero": "0",
    "letters": "abc",
    "three places": "30000.001",
    "not a number": "NaN",
    "a float": 30000.0,
}


@pytest.mark.parametrize("amount", BAD_AMOUNTS.values(), ids=BAD_AMOUNTS.keys())
def test_a_bad_approval_amount_is_refused(world, bob, amount):
    with rejected("amount"):
        approve_application(application=world, by=bob, amount=amount)

    approve_application(application=world, by=bob, amount="30000.00")
    assert Voucher.objects.get(application=world).face_value == Decimal("30000.00")


@pytest.mark.parametrize("billed", ["-1.00", "0.00", "一千", "1000.001", 1000.0], ids=repr)
def test_a_bad_billed_amount_is_refused(world, bob, centre_engineer, billed):
    approve_application(application=world, by=bob)
    voucher = Voucher.objects.get(application=world)

    with rejected("billed_amount"):
        redeem(voucher=voucher, billed_amount=billed, by=centre_engineer)

    assert redeem(voucher=voucher, billed_amount="1000.00", by=centre_engineer) == Decimal("500.00")


# --- voucher codes -------------------------------------------------------------------


def typos(code: str):
    """Every single-character substitution and adjacent transposition, plus a dropped,
    an extra and a foreign character."""
    for i, original in enumerate(code):
        for replacement in codes.ALPHABET:
            if replacement != original:
                yield code[:i] + replacement + code[i + 1 :]
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    yield code[:-1]
    yield code + "7"
    yield code[:5] + "*" + code[6:]
    yield code[:5] + "Ö" + code[6:]


def test_a_mistyped_voucher_code_is_caught_before_any_lookup(world, bob, django_assert_num_queries):
    approve_application(application=world, by=bob)
    code = Voucher.objects.get(application=world).code
    mistyped = list(typos(code))

    with django_assert_num_queries(0):
        for typo in mistyped:
            with pytest.raises(DomainError) as info:
                codes.parse(typo)
            assert info.value.field == "code"
            assert CHINESE.search(info.value.message) and ENGLISH.search(info.value.message)
        assert codes.parse(codes.display(code).lower()) == code
        assert codes.parse(f" {code[:8]} {code[8:]} ") == code

    assert len(mistyped) > 17 * 35
