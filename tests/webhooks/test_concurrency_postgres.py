"""On PostgreSQL with real threads: two workers handed the same delivery send it once,
and two scans at once make one delivery per (endpoint, event)."""

import threading

import pytest
from django.db import connection

from vouchers.services.closing import revoke_voucher
from webhooks import events
from webhooks.models import Delivery
from webhooks.services import attempt

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def at_once(work, count=2):
    start = threading.Barrier(count)
    results = []

    def run():
        start.wait()
        try:
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_workers_send_a_delivery_once(voucher, bob, endpoint, receiver):
    revoke_voucher(voucher=voucher, by=bob, reason="合同终止")
    events.scan()
    delivery = Delivery.objects.get()

    results = at_once(lambda: attempt(delivery_id=delivery.pk), count=4)

    assert sorted(results) == [False, False, False, True]
    assert len(receiver.requests) == 1


def test_two_scans_at_once_make_one_delivery(voucher, bob, endpoint, receiver):
    revoke_voucher(voucher=voucher, by=bob, reason="合同终止")
    at_once(events.scan, count=3)
    assert Delivery.objects.count() == 1
