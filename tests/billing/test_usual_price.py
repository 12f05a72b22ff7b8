"""The usual unit price (the outlier check's median) kept in 1%-wide bands as runs go,
instead of sorting the whole usage table each run. Tolerance: the median read from the
bands lies within 0.5% of the exact lower median of the same records (the middle one, or
the lower of the two middle ones), so a record is judged as that exact median would judge
it unless its unit price is within 0.5% of the threshold (3 x the median); the fixtures
keep their records away from that edge."""

import random
import statistics
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import SkuPrice, SkuPriceBucket, UsageRecord
from billing.reconcile import OUTLIER_FACTOR, reconcile, refresh_sku_prices
from tests.billing.conftest import send, usage

pytestmark = pytest.mark.django_db


def priced(prefix: str, unit_prices: list[Decimal], months=(6,)) -> list[dict]:
    """Records of 10 units each at the given unit prices, spread over `months`."""
    return [
        usage(record_id=f"{prefix}{i}", amount=str(price * 10), quantity="10",
              month=months[i % len(months)], day=1 + i % 28)
        for i, price in enumerate(unit_prices)
    ]  # fmt: skip


def status(record_id: str) -> tuple[str, str]:
    record = UsageRecord.objects.get(record_id=record_id)
    return record.status, record.exception


def test_a_batch_is_judged_against_the_records_before_it(voucher, centre):
    send(centre, priced("u", [Decimal("10.00")] * 5))
    reconcile()
    send(centre, priced("dear", [Decimal("31.00")]) + priced("fine", [Decimal("29.00")]))

    reconcile()

    assert status("dear0") == ("exception", "unit_price_outlier")
    assert status("fine0")[0] == "redeemed"


def test_a_batch_of_inflated_prices_cannot_make_itself_usual(voucher, centre):
    send(centre, priced("u", [Decimal("10.00")] * 5))
    reconcile()
    send(centre, priced("inflated", [Decimal("50.00")] * 20))

    reconcile()

    assert {status(f"inflated{i}") for i in range(20)} == {("exception", "unit_price_outlier")}


def test_the_median_and_the_flagged_set_agree_with_the_exact_ones(voucher, centre):
    rng = random.Random(2026)
    history = [Decimal(rng.randint(800, 1600)) / 100 for _ in range(240)]
    # June is older than the last three service months with records: it must not count.
    send(centre, priced("old", [Decimal("90.00")] * 40, months=(6,)))
    send(centre, priced("h", history, months=(7, 8, 9)))
    reconcile()
    exact = statistics.median_low(history)
    factors = ["1.0", "2.0", "2.9", "2.98", "3.02", "3.1", "4.0", "10.0"]
    candidates = [(exact * Decimal(f)).quantize(Decimal("0.01")) for f in factors]
    send(centre, priced("c", candidates, months=(9,)))

    reconcile()

    # The usual price this run judged by (read from the bands as the run began).
    usual = SkuPrice.objects.get(provider=centre, sku="gpu-a800-hour")
    assert usual.samples == len(history)
    assert abs(Decimal(usual.median_unit_price) - exact) <= exact * Decimal("0.005")
    flagged = {i for i in range(len(candidates)) if status(f"c{i}")[0] == "exception"}
    expected = {i for i, p in enumerate(candidates) if p > exact * OUTLIER_FACTOR}
    assert flagged == expected == {4, 5, 6, 7}


def test_a_run_reads_the_bands_not_the_usage_table(voucher, centre):
    send(centre, priced("u", [Decimal("10.00")] * 5))
    reconcile()
    send(centre, priced("n", [Decimal("10.00")]))

    with CaptureQueriesContext(connection) as captured:
        refresh_sku_prices()

    refresh = [q["sql"] for q in captured.captured_queries if "billing_skuprice" in q["sql"]]
    assert refresh and not any("billing_usagerecord" in sql for sql in refresh)
    assert SkuPriceBucket.objects.filter(provider=centre).count() == 1


def test_each_record_counts_once_in_the_bands(voucher, centre):
    send(centre, priced("u", [Decimal("10.00")] * 5, months=(6, 7)))
    reconcile()
    reconcile()  # nothing pending: nothing counted again

    assert sum(SkuPriceBucket.objects.values_list("samples", flat=True)) == 5
    assert set(SkuPriceBucket.objects.values_list("month__month", flat=True)) == {6, 7}
