"""An objection filed while the daily close is ending the voucher's notice: whichever
takes the voucher's row lock first, an objection that commits keeps the voucher in
notice (end_public_notice looks for open objections under that lock)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection, transaction

from tests import builders
from vouchers.models import Voucher
from vouchers.services.applications import approve_application
from vouchers.services.closing import close_vouchers
from vouchers.services.notice import file_objection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def in_thread(target):
    def run():
        try:
            target()
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_an_objection_committed_during_the_close_keeps_the_voucher_in_notice(
    chengdu, alice, company, centre, carol
):
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], public_notice_days=7
    )
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    voucher = approve_application(application=application, by=carol).voucher
    filed, release = threading.Event(), threading.Event()

    def objector():
        with transaction.atomic():
            file_objection(voucher=voucher, name="王五", contact="138", text="关联方")
            filed.set()  # the voucher's row stays locked until this transaction commits
            release.wait(10)

    objecting = in_thread(objector)
    assert filed.wait(10)
    closing = in_thread(lambda: close_vouchers(today=voucher.notice_ends_on + timedelta(days=1)))
    time.sleep(0.5)  # the close has read the voucher as due and waits for its lock
    release.set()
    objecting.join(10)
    closing.join(10)

    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.PUBLIC_NOTICE
