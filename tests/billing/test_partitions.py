"""The usage table by month (billing/partitions.py): a record counts once across months
(its key, on both backends); on PostgreSQL the coming months are created ahead, a month
made late takes its rows out of the default partition, and a settled month is detached
without a ledger row changing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from billing import partitions
from billing.models import SettlementLine, UsageKey, UsageRecord
from billing.reconcile import reconcile
from billing.settlements import build_settlements
from billing.tasks import create_usage_partitions
from config.errors import DomainError
from tests.billing.conftest import send, usage
from vouchers.models import LedgerAccount, LedgerEntry
from vouchers.services.ledger_check import check_ledger

pytestmark = pytest.mark.django_db


def postgres_only(test):
    skip = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's partitions")
    return pytest.mark.postgres(skip(test))


JUNE = date(2024, 6, 1)
IN_JUNE = datetime(2024, 6, 15, 12, tzinfo=ZoneInfo("Asia/Shanghai"))


def received_in_june(record_ids) -> None:
    # On PostgreSQL the rows move to June's partition, or to the default one.
    UsageRecord.objects.filter(record_id__in=record_ids).update(received_at=IN_JUNE)


def table_of(record_id: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM billing_usagerecord WHERE record_id = %s",
            [record_id],
        )
        return cursor.fetchone()[0]


def test_a_record_sent_again_months_later_is_still_a_duplicate_or_a_conflict(centre):
    first = usage(record_id="m-1")
    assert send(centre, [first]) == ["accepted"]
    received_in_june(["m-1"])

    assert send(centre, [first]) == ["duplicate"]
    assert send(centre, [{**first, "amount": "999.00"}]) == ["conflict"]
    assert UsageRecord.objects.filter(record_id="m-1").count() == 1
    assert UsageKey.objects.filter(provider=centre, record_id="m-1").count() == 1


def test_the_database_refuses_a_second_key_for_a_record(centre):
    UsageKey.objects.create(provider=centre, record_id="k-1", content_hash="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageKey.objects.create(provider=centre, record_id="k-1", content_hash="b")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's one table")
def test_sqlite_keeps_one_table():
    assert not partitions.is_partitioned()
    assert partitions.ensure_partitions() == []
    assert partitions.detach_before(date(2030, 1, 1)) == []
    call_command("usage_partitions")  # says so, changes nothing


def test_beat_creates_the_partitions_every_day():
    entry = settings.CELERY_BEAT_SCHEDULE["billing-usage-partitions"]
    assert entry["task"] == "billing.tasks.create_usage_partitions"


def test_a_month_is_written_as_yyyy_mm():
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("usage_partitions", "--detach-before", "June")


@postgres_only
def test_the_coming_months_are_created_ahead_and_only_once():
    created = partitions.ensure_partitions(ahead=5)
    this_month = datetime.now(partitions.SHANGHAI).date().replace(day=1)
    coming = [this_month]
    for _ in range(5):
        coming.append(partitions.next_month(coming[-1]))
    assert set(coming) <= set(partitions.months())
    # The migration made a quarter ahead; only the two after it are new.
    assert created == [partitions.partition_name(month) for month in coming[4:]]
    assert partitions.ensure_partitions(ahead=5) == []
    assert create_usage_partitions() == []  # beat's task: nothing left to make


@postgres_only
def test_a_month_made_late_takes_its_rows_from_the_default_partition(centre):
    send(centre, [usage(record_id="late-1"), usage(record_id="late-2")])
    ids = dict(UsageRecord.objects.values_list("record_id", "pk"))
    received_in_june(ids)
    assert table_of("late-1") == partitions.DEFAULT

    partitions.create_month(JUNE)

    assert {table_of("late-1"), table_of("late-2")} == {"billing_usagerecord_2024_06"}
    assert dict(UsageRecord.objects.values_list("record_id", "pk")) == ids
    assert send(centre, [usage(record_id="late-3")]) == ["accepted"]
    assert table_of("late-3") != partitions.DEFAULT


def books() -> tuple:
    entries = list(LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "amount"))
    balances = list(LedgerAccount.objects.order_by("pk").values_list("pk", "balance"))
    lines = list(
        SettlementLine.objects.order_by("pk").values_list("record_id", "billed", "subsidy")
    )
    return entries, balances, lines


@postgres_only
def test_a_settled_month_is_detached_without_a_ledger_row_changing(centre, voucher):
    june = [usage(record_id=f"s-{n}", day=n) for n in (10, 11, 12)]
    assert send(centre, june) == ["accepted"] * 3
    reconcile()
    build_settlements(period="2024-06")
    received_in_june([r["record_id"] for r in june])
    partitions.create_month(JUNE)
    before = books()
    voucher.refresh_from_db()
    redeemed = voucher.redeemed

    assert partitions.detach_before(date(2024, 7, 1)) == ["billing_usagerecord_2024_06"]

    assert not UsageRecord.objects.filter(record_id__startswith="s-").exists()
    assert books() == before
    voucher.refresh_from_db()
    assert voucher.redeemed == redeemed > 0
    assert check_ledger().problems == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM billing_usagerecord_2024_06")
        assert cursor.fetchone()[0] == 3  # kept for the archive
    assert send(centre, [june[0]]) == ["duplicate"]


@postgres_only
def test_a_month_with_a_pending_record_is_not_detached(centre):
    send(centre, [usage(record_id="p-1")])  # pending: nobody has reconciled it
    received_in_june(["p-1"])
    partitions.create_month(JUNE)

    with pytest.raises(DomainError) as refused:
        partitions.detach_before(date(2024, 7, 1))

    assert refused.value.code == "month_not_settled"
    with pytest.raises(CommandError, match="2024-06"):
        call_command("usage_partitions", "--detach-before", "2024-07")
    assert "2024-06" in refused.value.zh and "2024-06" in refused.value.en
    assert JUNE in partitions.months()
    assert UsageRecord.objects.filter(record_id="p-1").exists()
