"""Personal data at rest: encrypted in the database, compared by a keyed hash of its
normalised form, masked for display."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import EntityDeclaration
from accounts.personal import digest, mask, normalise_code, normalise_digits, parse_shareholders
from accounts.services import declare_profile

ID_NUMBER = "51010119900307123X"
PHONE = "138-0013-8000"
ACCOUNT = "6222 0210 0112 3456 789"


def declare(entity, **fields):
    return declare_profile(
        entity=entity,
        by=entity.clerk,
        declared_on=date(2024, 5, 1),
        fiscal_year=2023,
        registered_region="510100",
        industry="65",
        employees=100,
        prior_year_revenue=Decimal("20000000.00"),
        **fields,
    )


def raw_row(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        return " ".join(str(value) for value in cursor.fetchone())


def test_personal_data_is_unreadable_in_the_raw_table_and_found_by_its_keyed_hash(company):
    declared = declare(
        company,
        legal_rep_id=ID_NUMBER.lower(),
        phone=PHONE,
        bank_account=ACCOUNT,
        shareholder_text="张三, 110101198001011234",
    )
    row = raw_row("accounts_entitydeclaration", declared.pk)
    for plain in (
        ID_NUMBER,
        ID_NUMBER.lower(),
        "13800138000",
        "138-0013-8000",
        "6222",
        "110101198001011234",
    ):
        assert plain not in row
    assert EntityDeclaration.objects.get(legal_rep_id_digest=digest(ID_NUMBER)) == declared
    assert EntityDeclaration.objects.get(phone_digest=digest("13800138000")) == declared
    assert EntityDeclaration.objects.get(pk=declared.pk).legal_rep_id == ID_NUMBER.lower()
    assert declared.shareholder_digests == [digest("110101198001011234")]


def test_values_are_compared_after_normalisation():
    assert normalise_code(" 5101-0119 9003 07123ｘ") == ID_NUMBER
    assert normalise_digits("+86 138-0013-8000") == "8613800138000"
    assert digest(normalise_code("51010119900307123x")) == digest(ID_NUMBER)


def test_the_hash_is_keyed(settings):
    before = digest(ID_NUMBER)
    settings.PERSONAL_DATA_HASH_KEY = "another key"
    assert digest(ID_NUMBER) != before


def test_masks_show_only_the_ends():
    assert mask(ID_NUMBER) == "5101**********123X"
    assert mask("1234") == "****"


def test_shareholder_lines_are_parsed_with_an_error_naming_the_line():
    rows = parse_shareholders("甲公司, 91510100MA61R8XQ2K\n\n李四，110101198001011234")
    assert [row.name for row in rows] == ["甲公司", "李四"]
    with pytest.raises(ValidationError) as refused:
        parse_shareholders("甲公司, 91510100MA61R8XQ2K\n只有名字")
    assert "line 2" in str(refused.value)
