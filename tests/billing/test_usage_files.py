"""Usage files: streamed CSV, row numbers in errors, safe to run again."""

import pytest

from billing import usage_files
from billing.models import UsageFile, UsageRecord

HEADER = "record_id,contract_number,period_start,period_end,sku,quantity,unit,amount,currency\n"


def row(record_id, amount="10.00", start="2024-06-10T00:00:00+08:00"):
    return f"{record_id},HT-2024-001,{start},2024-06-10T23:00:00+08:00,gpu,1,hour,{amount},CNY\n"


@pytest.fixture(autouse=True)
def file_root(settings, tmp_path):
    settings.USAGE_FILE_ROOT = tmp_path


def upload(provider, text: str) -> UsageFile:
    return usage_files.store_upload(
        provider=provider, chunks=[text.encode()], original_name="june.csv"
    )


def test_a_file_with_bad_rows_keeps_the_good_ones_and_names_the_lines(centre):
    text = HEADER + row("a") + row("b", amount="-1") + row("c", start="soon") + row("d")
    done = usage_files.process_usage_file(usage_file=upload(centre, text))

    assert done.status == "done"
    assert (done.rows_total, done.rows_accepted, done.rows_rejected) == (4, 2, 2)
    assert [(e["row"], e["field"], e["code"]) for e in done.errors] == [
        (3, "amount", "out_of_range"),
        (4, "period_start", "invalid_time"),
    ]
    assert set(UsageRecord.objects.values_list("record_id", flat=True)) == {"a", "d"}
    assert all(r.usage_file_id == done.pk for r in UsageRecord.objects.all())


def test_a_file_is_read_in_chunks(centre, monkeypatch):
    monkeypatch.setattr(usage_files, "CHUNK", 2)
    text = HEADER + "".join(row(f"r{i}") for i in range(5))

    done = usage_files.process_usage_file(usage_file=upload(centre, text))

    assert (done.rows_total, done.rows_accepted) == (5, 5)


def test_focus_column_names_are_understood(centre):
    text = (
        "record_id,contract_number,ChargePeriodStart,ChargePeriodEnd,SkuId,ConsumedQuantity,"
        "ConsumedUnit,BilledCost,BillingCurrency\n" + row("a")
    )
    done = usage_files.process_usage_file(usage_file=upload(centre, text))

    assert (done.status, done.rows_accepted) == ("done", 1)
    assert UsageRecord.objects.get().sku == "gpu"


def test_running_a_file_again_after_a_crash_gives_the_same_counts(centre):
    stored = upload(centre, HEADER + row("a") + row("b", amount="x") + row("c"))
    first = usage_files.process_usage_file(usage_file=stored)
    # As if the worker died after writing the rows but before marking the file done,
    # long enough ago for its heartbeat to be stale.
    UsageFile.objects.filter(pk=stored.pk).update(status="running", heartbeat_at=None)

    again = usage_files.process_usage_file(usage_file=stored)

    assert (again.rows_total, again.rows_accepted, again.rows_rejected) == (3, 2, 1)
    assert (first.rows_accepted, again.errors) == (2, first.errors)
    assert UsageRecord.objects.count() == 2


def test_a_conflicting_row_is_rejected_with_its_line(centre):
    usage_files.process_usage_file(usage_file=upload(centre, HEADER + row("a")))

    done = usage_files.process_usage_file(
        usage_file=upload(centre, HEADER + row("b") + row("a", "99.00"))
    )

    assert done.errors == [
        {"row": 3, "field": "record_id", "code": "conflict", "message": done.errors[0]["message"]}
    ]


def test_a_file_without_required_columns_fails_saying_which(centre):
    done = usage_files.process_usage_file(usage_file=upload(centre, "record_id,amount\na,1.00\n"))

    assert done.status == "failed"
    assert done.errors[0]["code"] == "missing_columns"
    assert "period_start" in done.errors[0]["message"]


def test_a_file_that_is_not_utf8_fails(centre):
    stored = usage_files.store_upload(
        provider=centre, chunks=[HEADER.encode(), "合同".encode("gbk")]
    )

    done = usage_files.process_usage_file(usage_file=stored)

    assert (done.status, done.errors[0]["code"]) == ("failed", "invalid_encoding")


def test_the_file_is_never_read_whole(centre, monkeypatch):
    reads = []
    real_open = open

    def watching_open(*args, **kwargs):
        handle = real_open(*args, **kwargs)
        original = handle.read
        handle.read = lambda size=-1: reads.append(size) or original(size)
        return handle

    monkeypatch.setattr("builtins.open", watching_open)
    usage_files.process_usage_file(usage_file=upload(centre, HEADER + row("a")))

    assert -1 not in reads and None not in reads


def test_uploads_are_stored_under_the_private_root(centre, settings):
    stored = upload(centre, HEADER)

    assert (settings.USAGE_FILE_ROOT / stored.path).read_bytes() == HEADER.encode()
    assert not str(settings.USAGE_FILE_ROOT).startswith(str(settings.MEDIA_ROOT))
