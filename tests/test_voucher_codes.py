"""The check character catches every single-character error and every adjacent
transposition: shown exhaustively, for every position and every pair of characters."""

import random
from itertools import permutations

import pytest

from config.errors import DomainError
from vouchers.services import codes

ISSUED = [codes.new_code() for _ in range(40)]
# Codes whose check character is each of the 37 possible ones, '*' included.
BY_CHECK = {}
for _body in (f"{n:016d}" for n in range(2000)):
    BY_CHECK.setdefault(codes.with_check(_body)[-1], _body)

SAMPLE = ISSUED + [codes.with_check(body) for body in BY_CHECK.values()]


def substitutions(code: str):
    alphabet = codes.CHECK_ALPHABET
    for i, original in enumerate(code):
        for replacement in alphabet:
            if replacement != original:
                yield code[:i] + replacement + code[i + 1 :]


def transpositions(code: str):
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]


def refused(code: str) -> bool:
    try:
        codes.parse(code)
    except DomainError as exc:
        return exc.field == "code"
    return False


def test_the_sample_covers_every_check_character():
    assert {code[-1] for code in SAMPLE} == set(codes.CHECK_ALPHABET)
    assert all(codes.parse(code) == code for code in SAMPLE)


@pytest.mark.parametrize("code", SAMPLE)
def test_every_single_character_error_of_a_code_is_refused(code):
    altered = list(substitutions(code))
    assert len(altered) == 17 * 36
    assert [typo for typo in altered if not refused(typo)] == []


@pytest.mark.parametrize("code", SAMPLE)
def test_every_adjacent_transposition_of_a_code_is_refused(code):
    assert [typo for typo in transpositions(code) if not refused(typo)] == []


def test_every_pair_of_characters_swapped_at_every_position_is_refused():
    """The check is linear in each position, so one body per pair and position covers
    every body: 15 neighbouring body positions x 36 x 35 ordered pairs (the last body
    character swapped with the check character is in the sample tests above)."""
    rng = random.Random(4754)
    missed = []
    for i in range(codes.BODY_LENGTH - 1):
        for a, b in permutations(codes.ALPHABET, 2):
            body = "".join(rng.choice(codes.ALPHABET) for _ in range(codes.BODY_LENGTH))
            code = codes.with_check(body[:i] + a + b + body[i + 2 :])
            swapped = code[:i] + b + a + code[i + 2 :]
            if not refused(swapped):
                missed.append(swapped)
    assert missed == []


def test_a_code_is_read_back_from_its_display_in_any_case():
    for code in SAMPLE:
        assert codes.parse(codes.display(code).lower()) == code


@pytest.mark.parametrize("typo", ["*" + ISSUED[0][1:], ISSUED[0][:-1], ISSUED[0] + "*"])
def test_a_star_stands_only_as_the_check_character(typo):
    assert refused(typo)
