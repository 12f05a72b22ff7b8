"""One contract is one contract however its number was typed: the number's key
(NFKC, default-ignorables and invisibles removed, TR39 confusable skeleton, case-folded,
stripped) is what uniqueness and the one-subsidy-per-contract rule compare; the number as
typed is kept for display."""

import unicodedata
from unittest import mock

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from config.errors import DomainError
from tests import builders
from tests.test_invalid_input import CHINESE, ENGLISH, contract_fields, rejected
from vouchers.contract_numbers import DEFAULT_IGNORABLE, confusable_prototypes, number_key
from vouchers.models import Contract
from vouchers.services.applications import (
    approve_application,
    create_application,
    submit_application,
)
from vouchers.services.contracts import register_contract

SAME_AS_HT_DUP = {
    "lower case": "ht-dup",
    "trailing space": "HT-DUP ",
    "full-width": "ＨＴ－ＤＵＰ",
    "full-width dash": "HT－DUP",
    "zero-width space": "HT-\u200bDUP",
    "BOM and tab": "\ufeff\tHT-DUP",
    # The variants that got a second subsidy before the skeleton (issue 12).
    "emoji variation selector": "HT-DUP\ufe0f",
    "combining grapheme joiner": "HT\u034f-DUP",
    "Hangul filler": "HT-\u3164DUP",
    "braille blank": "HT\u2800-DUP",
    "Hangul choseong filler": "\u115fHT-DUP",
    "hyphen": "HT\u2010DUP",
    "non-breaking hyphen": "HT\u2011DUP",
    "en dash": "HT\u2013DUP",
    "minus sign": "HT\u2212DUP",
    "modifier minus": "HT\u02d7DUP",
    "Cyrillic EN and TE": "\u041d\u0422-DUP",
    "Cyrillic ER": "HT-DU\u0420",
    "Cyrillic in lower case": "\u043d\u0442-dup",
    "Greek ETA and TAU": "\u0397\u03a4-DUP",
}
BLANK_NUMBERS = {"spaces": "   ", "ideographic space": "\u3000", "zero-width": "\u200b\u200b"}


@pytest.fixture
def subsidised(company, centre, programme, bob):
    """HT-DUP, applied for and approved: a voucher exists for it."""
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre, number="HT-DUP"
    )
    return approve_application(application=application, by=bob).contract


def register(company, centre, number):
    return register_contract(
        entity=company, provider=centre, by=company.clerk, **contract_fields(number=number)
    )


@pytest.mark.parametrize("number", SAME_AS_HT_DUP.values(), ids=SAME_AS_HT_DUP.keys())
def test_a_subsidised_number_typed_another_way_is_refused_as_the_same_contract(
    subsidised, company, centre, number
):
    with rejected("number") as info:
        register(company, centre, number)
    assert "HT-DUP" in str(info.value)

    # Another number is a new contract; the one typed first is kept as typed.
    assert register(company, centre, "HT-DUP-2").number_key == "ht-dup-2"
    assert Contract.objects.get(pk=subsidised.pk).number == "HT-DUP"


@pytest.mark.parametrize("number", BLANK_NUMBERS.values(), ids=BLANK_NUMBERS.keys())
def test_a_number_with_nothing_visible_is_refused(application, company, centre, number):
    with rejected("number"):
        register(company, centre, number)


def test_a_race_past_the_check_is_refused_by_the_unique_key_on_the_number(
    subsidised, company, centre
):
    # As if another registration of the number committed between the check and the write.
    unchecked = mock.patch("vouchers.services.contracts.clean_bilingual")
    with unchecked, pytest.raises(DomainError) as info:
        register(company, centre, "ht-dup")
    assert info.value.field == "number"
    assert Contract.objects.filter(number_key="ht-dup").count() == 1


def test_a_subsidised_contract_is_not_eligible_in_another_programme(
    subsidised, company, chengdu, alice, centre
):
    other = builders.programme(authority=chengdu, manager=alice, providers=[centre])
    draft = create_application(
        entity=company, contract=subsidised, programme=other, by=company.clerk
    )
    with pytest.raises(DomainError) as info:
        submit_application(application=draft, by=company.clerk)
    assert "subsidised elsewhere" in info.value.en


# --- the admin form ------------------------------------------------------------------


def admin_contract_form(company, centre, number) -> dict:
    return {
        "entity": company.pk,
        "provider": centre.pk,
        "number": number,
        "signed_on": "2024-03-01",
        "service_start": "2024-03-01",
        "service_end": "2024-12-31",
        "value": "200000.00",
        "accelerator_origin": "domestic",
        "accelerator_hours": "500",
        "service_category": "compute_service",
        "purpose": "model_training",
        "project_class": "normal",
    }


@pytest.fixture
def olivia_client(client, django_user_model):
    olivia = django_user_model.objects.create_superuser("olivia", "olivia@example.com", "pass")
    client.force_login(olivia)
    return client


@pytest.mark.parametrize("number", [*SAME_AS_HT_DUP.values(), *BLANK_NUMBERS.values()], ids=repr)
def test_the_admin_form_refuses_the_same_number_or_a_blank_one_on_number(
    olivia_client, subsidised, company, centre, number
):
    response = olivia_client.post(
        reverse("admin:vouchers_contract_add"), admin_contract_form(company, centre, number)
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["number"])
    assert CHINESE.search(errors) and ENGLISH.search(errors), errors
    assert Contract.objects.count() == 1


# --- the key itself ------------------------------------------------------------------

ASCII_AND_FULL_WIDTH = st.text(
    alphabet=st.characters(codec="ascii")
    | st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)
)


@given(st.text())
def test_the_key_of_a_key_is_itself(number):
    assert number_key(number_key(number)) == number_key(number)


@given(ASCII_AND_FULL_WIDTH)
def test_the_key_ignores_case(number):
    assert number_key(number.upper()) == number_key(number.lower()) == number_key(number)


@given(ASCII_AND_FULL_WIDTH)
def test_the_key_has_no_outer_space_and_nothing_invisible(number):
    key = number_key(number)
    assert key == key.strip()
    assert all(ch.isprintable() for ch in key)


# --- every look-alike of the categories that broke through (issue 12) ------------------

HT_DUP = number_key("HT-DUP")


def spliced(number: str, ch: str) -> list[str]:
    """`ch` before, inside and after `number`."""
    return [ch + number, number[:2] + ch + number[2:], number + ch]


def ignorable_code_points() -> list[str]:
    return [chr(cp) for first, last in DEFAULT_IGNORABLE for cp in range(first, last + 1)]


def test_every_default_ignorable_code_point_is_ignored_anywhere():
    assert len(ignorable_code_points()) > 4000
    variants = [v for ch in ignorable_code_points() for v in spliced("HT-DUP", ch)]
    assert {number_key(v) for v in variants} == {HT_DUP}


def test_every_dash_that_confuses_with_a_hyphen_is_the_hyphen():
    dashes = look_alikes("-", scripts=("",))
    assert {"\u2010", "\u2013", "\u2212", "\u02d7"} <= set(dashes)  # U+2011 is U+2010 to NFKC
    assert {number_key(f"HT{dash}DUP") for dash in dashes} == {HT_DUP}


def look_alikes(prototype: str, scripts=("CYRILLIC", "GREEK")) -> list[str]:
    """Every character of `scripts` whose prototype is `prototype`. NFKC comes before the
    skeleton, so a character it changes is judged as what it becomes, not here: U+FE58
    SMALL EM DASH is an em dash to NFKC (prototype ー), Ϲ (the lunate sigma symbol) a Σ."""
    return [
        ch
        for ch, its in confusable_prototypes().items()
        if its == prototype
        and unicodedata.name(ch, "").startswith(scripts)
        and unicodedata.is_normalized("NFKC", ch)
    ]


# Every capital that has a Cyrillic or Greek look-alike (D, I, Q and U have none).
@pytest.mark.parametrize("letter", "ABCEFGHJKLMNOPRSTVWXYZ")
def test_every_cyrillic_or_greek_look_alike_of_a_capital_is_that_capital(letter):
    number = f"HT-{letter}-DUP"
    variants = [number.replace(letter, alike, 1) for alike in look_alikes(letter)]
    assert variants
    assert {number_key(v) for v in variants} == {number_key(number)}
    assert {number_key(v.lower()) for v in variants} == {number_key(number)}


def test_look_alike_digits_are_one_digit():
    assert number_key("HT-001") == number_key("HT-OOl") == number_key("ＨＴ－００１")
    assert number_key("HT-001") == number_key("\u041d\u0422\u2010001")


@pytest.mark.parametrize(
    ("one", "other"),
    [("HT-DUP", "HT-DUQ"), ("HT-001", "HT-002"), ("成都-1", "成都-2"), ("HT-DUP", "HT-DUP-2")],
)
def test_numbers_that_do_not_look_alike_stay_apart(one, other):
    assert number_key(one) != number_key(other)
