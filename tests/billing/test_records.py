"""The record schema: each field's rule, and CSV columns in plain and FOCUS names."""

from decimal import Decimal

import pytest

from billing.records import csv_columns, csv_row, missing_columns, parse_records
from tests.billing.conftest import usage


def error_of(**fields):
    records, errors = parse_records([usage(**fields)])
    assert records == [None]
    return errors[0]


def test_a_valid_record_parses_with_its_local_service_days():
    [record], [error] = parse_records(
        [
            usage(
                amount="1234.50",
                period_start="2024-06-30T20:00:00+00:00",
                period_end="2024-07-01T20:00:00+00:00",
            )
        ]
    )

    assert error is None
    assert record.amount == Decimal("1234.50")
    assert record.start_date.isoformat() == "2024-07-01"  # 04:00 in Shanghai
    assert record.contract_key == "ht-2o24-ool"  # the skeleton writes 0 as o, 1 as l


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"record_id": ""}, "record_id", "required"),
        ({"record_id": "x" * 129}, "record_id", "too_long"),
        ({"contract_number": " \u200b "}, "contract_number", "required"),
        ({"period_start": "2024-06-10T00:00:00"}, "period_start", "missing_offset"),
        ({"period_end": "yesterday"}, "period_end", "invalid_time"),
        ({"period_end": "2024-06-09T00:00:00+08:00"}, "period_end", "out_of_range"),
        ({"amount": "-0.01"}, "amount", "out_of_range"),
        ({"amount": "1.0000005"}, "amount", "invalid_amount"),
        ({"amount": 12.5}, "amount", "invalid_type"),
        ({"amount": "100000000000000"}, "amount", "invalid_amount"),
        ({"amount": "abc"}, "amount", "invalid_number"),
        ({"currency": "USD"}, "currency", "invalid_currency"),
        ({"quantity": "-1"}, "quantity", "out_of_range"),
        ({"quantity": "0.0000001"}, "quantity", "out_of_range"),
        ({"sku": "s" * 129}, "sku", "too_long"),
        ({"unit": 5}, "unit", "invalid_type"),
        ({"description": "d" * 501}, "description", "too_long"),
        ({"ChargeClass": "Correction", "amount": "-1"}, "corrects", "required"),
    ],
)
def test_it_refuses_a_bad_field_naming_it_in_both_languages(fields, field, code):
    error = error_of(**fields)

    assert (error.field, error.code) == (field, code)
    assert " / " in error.message


def test_it_refuses_a_record_that_is_not_an_object():
    records, errors = parse_records(["nope"])

    assert records == [None] and errors[0].field == "record"


def test_good_records_are_kept_beside_bad_ones():
    records, errors = parse_records([usage(), usage(amount="-1"), usage()])

    assert [r is not None for r in records] == [True, False, True]
    assert [e is not None for e in errors] == [False, True, False]


def test_the_same_content_has_the_same_hash_whatever_the_offset():
    one = usage(period_start="2024-06-10T00:00:00+08:00", record_id="a")
    other = dict(one, period_start="2024-06-09T16:00:00+00:00", record_id="b")
    [a, b], _ = parse_records([one, other])

    assert a.content_hash == b.content_hash
    assert a.content_hash != parse_records([dict(one, amount="100.01")])[0][0].content_hash


def test_focus_columns_map_onto_the_record_fields():
    header = ["record_id", "contract_number", "ChargePeriodStart", "ChargePeriodEnd", "SkuId",
              "ConsumedQuantity", "ConsumedUnit", "BilledCost", "BillingCurrency", "ChargeClass",
              "corrects", "Tags"]  # fmt: skip
    fields = csv_columns(header)
    row = ["r1", "HT-1", "2024-06-01T00:00:00+08:00", "2024-06-01T01:00:00+08:00", "gpu",
           "2", "hour", "10.00", "CNY", "Correction", "r0", "x"]  # fmt: skip

    [record], [error] = parse_records([csv_row(fields, row)])

    assert missing_columns(fields) == []
    assert error is None
    assert (record.amount, record.sku, record.quantity, record.corrects) == (
        Decimal("10.00"), "gpu", Decimal("2"), "r0",
    )  # fmt: skip


def test_a_file_without_the_amount_column_is_missing_it():
    assert missing_columns(
        csv_columns(["record_id", "contract_number", "period_start", "period_end"])
    ) == ["amount"]
