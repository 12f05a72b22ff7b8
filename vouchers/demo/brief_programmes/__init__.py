"""The programmes of the product brief (BRIEF.md, both tables) as plain data.

One entry per programme: its fields, its rule-set document (format in
`vouchers/rules/schema.py`), funding sources with weights, designated providers by key,
and `distinct`: the rule that sets the programme apart, with an applicant/contract that
passes (and the rate and entitlement the brief's arithmetic gives it) and the smallest
change to it that fails on that rule.  The failing case is the passing one plus its
changes, so it cannot fail for another reason.

`load_demo` builds the first table from here; `tests/test_brief_programmes.py` builds all.
Amounts and rates are decimal strings, as in rule-set documents, never floats.  Where the
brief gives no figure the value is marked "chosen". Dates of the application window and
the sample contracts follow the year given to `programme_fields` / `contract_profile`, so
the same data serves the 2024 tests and a demo in the current year.
"""

from datetime import date
from decimal import Decimal

from vouchers.demo.brief_programmes.common import PROVIDERS, credit_code
from vouchers.demo.brief_programmes.first_table import BEIJING, CHENGDU, GUIZHOU, HANGZHOU_SME
from vouchers.demo.brief_programmes.other_regions import (
    ANHUI,
    HANGZHOU_2024,
    HENAN,
    LANGFANG,
    QINGYANG,
    SHENZHEN,
    YANGZHOU,
)

__all__ = ["PROVIDERS", "credit_code"]

# The brief's first table: the programmes `load_demo` publishes.
FIRST_TABLE = [CHENGDU, GUIZHOU, HANGZHOU_SME, BEIJING]
SECOND_TABLE = [SHENZHEN, HANGZHOU_2024, HENAN, ANHUI, QINGYANG, LANGFANG, YANGZHOU]
PROGRAMMES = FIRST_TABLE + SECOND_TABLE

MONEY_FIELDS = ("total_budget", "min_award", "annual_cap", "claim_share_cap")


def programme_code(entry: dict, year: int) -> str:
    return f"{entry['key']}-{year}"


def programme_fields(entry: dict, *, authority, year: int) -> dict:
    """The entry's model fields for `year`: applications open all that calendar year."""
    fields = dict(entry["fields"])
    for name in MONEY_FIELDS:
        if fields[name] is not None:
            fields[name] = Decimal(fields[name])
    return {
        **fields,
        "authority": authority,
        "code": programme_code(entry, year),
        "name_zh": f"{fields['name_zh']}（{year}年度）",
        "name_en": f"{fields['name_en']} {year}",
        "year": year,
        "applications_open": date(year, 1, 1),
        "applications_close": date(year, 12, 31),
    }


APPLICANT = {
    "kind": "enterprise",
    "revenue": "20000000.00",
    "employees": 120,
    "industry": "65",
    "is_startup": False,
}
CONTRACT = {
    "value": "100000.00",
    "accelerator_origin": "domestic",
    "service_category": "compute_service",
    "purpose": "model_training",
    "project_class": "normal",
    "filed_model_service": False,
    "paid_in_full": False,
}


def _case(entry: dict, passing: bool) -> dict:
    distinct = entry["distinct"]
    if passing:
        return distinct["passing"]
    changes = distinct["failing"]
    return {
        part: {**distinct["passing"].get(part, {}), **changes.get(part, {})}
        for part in ("applicant", "contract")
    }


def applicant_profile(entry: dict, *, passing: bool) -> dict:
    """kind, region, revenue, employees, industry, is_startup of the case's applicant."""
    region = entry["fields"]["region_code"]
    return {**APPLICANT, "region": region, **_case(entry, passing).get("applicant", {})}


def contract_profile(entry: dict, *, passing: bool, year: int) -> dict:
    """The case's contract: provider key, Decimal value, dates (default: March to December
    of `year`), and the other Contract fields."""
    defaults = {
        **CONTRACT,
        "provider": entry["providers"][0],
        "signed_on": date(year, 3, 1),
        "service_start": date(year, 3, 1),
        "service_end": date(year, 12, 31),
    }
    profile = {**defaults, **_case(entry, passing).get("contract", {})}
    for name in ("signed_on", "service_start", "service_end"):
        if isinstance(profile[name], str):
            profile[name] = date.fromisoformat(profile[name])
    profile["value"] = Decimal(profile["value"])
    return profile
