"""Ingest: a record is stored once, however often it is sent."""

from decimal import Decimal

from billing.ingest import CHUNK, ingest_records
from billing.models import UsageRecord
from billing.records import parse_records
from tests import builders
from tests.billing.conftest import send, usage


def test_a_new_record_is_accepted_and_stored_pending(centre):
    assert send(
        centre, [usage(record_id="a", amount="12.34", contract="ＨＴ－２０２４－００１")]
    ) == ["accepted"]

    stored = UsageRecord.objects.get()
    assert (stored.record_id, stored.status, stored.amount) == ("a", "pending", Decimal("12.34"))
    assert stored.contract_key == "ht-2o24-ool"  # the skeleton writes 0 as o, 1 as l
    assert stored.contract_number == "ＨＴ－２０２４－００１"


def test_text_that_copy_would_have_to_escape_is_stored_as_sent(centre):
    # On PostgreSQL the rows travel by COPY, whose text format gives tab, newline and
    # backslash (and a lone \N, its null) a meaning of their own.
    awkward = "tab\there, new\nline; back\\slash \\N 算力"
    record = usage(record_id="r\\1\t", description=awkward, sku="\\N", unit='"h"')
    assert send(centre, [record]) == ["accepted"]

    stored = UsageRecord.objects.get()
    assert (stored.record_id, stored.description, stored.sku, stored.unit) == (
        "r\\1",  # stripped of the outer whitespace, as every text field is
        awkward,
        "\\N",
        '"h"',
    )
    assert send(centre, [record]) == ["duplicate"]


def test_the_same_record_again_is_a_duplicate_and_changes_nothing(centre):
    record = usage(record_id="a")
    send(centre, [record])
    before = list(UsageRecord.objects.values())

    assert send(centre, [record]) == ["duplicate"]
    assert list(UsageRecord.objects.values()) == before


def test_a_known_record_id_with_other_content_is_a_conflict_and_the_original_stands(centre):
    send(centre, [usage(record_id="a", amount="10.00")])

    assert send(centre, [usage(record_id="a", amount="99.00")]) == ["conflict"]
    assert UsageRecord.objects.get().amount == Decimal("10.00")


def test_repeats_within_one_batch_are_judged_against_the_first(centre):
    first = usage(record_id="a")
    statuses = send(centre, [first, dict(first), dict(first, amount="1.00"), usage(record_id="b")])

    assert statuses == ["accepted", "duplicate", "conflict", "accepted"]
    assert UsageRecord.objects.count() == 2


def test_a_batch_keeps_its_good_records_beside_bad_ones(centre):
    statuses = send(
        centre, [usage(record_id="a"), usage(record_id="b", amount="-5"), usage(record_id="c")]
    )

    assert statuses == ["accepted", "out_of_range", "accepted"]
    assert set(UsageRecord.objects.values_list("record_id", flat=True)) == {"a", "c"}


def test_record_ids_are_per_provider(centre):
    other = builders.provider(name="贵州算力中心")
    send(centre, [usage(record_id="a")])

    assert send(other, [usage(record_id="a", amount="1.00")]) == ["accepted"]


def test_a_large_batch_is_written_in_a_few_statements(centre, django_assert_max_num_queries):
    records, _ = parse_records([usage(record_id=f"x{i}") for i in range(4500)])
    chunks = -(-4500 // CHUNK)

    # A chunk is one INSERT on SQLite; on PostgreSQL the staging table (made if
    # missing), the COPY into it, the INSERT from it, and clearing it.
    with django_assert_max_num_queries(4 * chunks):
        statuses = ingest_records(provider=centre, records=records)

    assert statuses == ["accepted"] * 4500
