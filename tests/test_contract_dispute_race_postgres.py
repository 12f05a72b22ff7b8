"""A provider's dispute sent while a reviewer approves, on PostgreSQL.

The approval locks the contract's row after the application's; the dispute then waits on
that lock, sees the voucher issued once the approval commits, and is refused (the docs'
lock order). Without that lock the dispute commits at once and the voucher issues on a
disputed contract.
"""

import threading
import time

import pytest
from django.db import connection

from config.errors import DomainError
from tests.test_concurrency_postgres import race
from vouchers.models import Application, Contract, Voucher
from vouchers.services import applications
from vouchers.services.applications import approve_application
from vouchers.services.contracts import answer_contract

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_a_dispute_sent_during_an_approval_waits_and_is_refused(
    application, bob, centre_engineer, monkeypatch
):
    contract_locked, dispute_done = threading.Event(), threading.Event()
    lock_cap_usage = applications.lock_cap_usage

    def pause_after_the_contract_lock(**kwargs):
        # The approval holds the application's and the contract's rows here; the dispute
        # is let in now and the approval goes on once it waits (or, unguarded, is done).
        contract_locked.set()
        deadline = time.monotonic() + 10
        while not dispute_done.is_set() and time.monotonic() < deadline:
            if someone_waits_on_a_lock():
                break
            time.sleep(0.05)
        return lock_cap_usage(**kwargs)

    def dispute():
        assert contract_locked.wait(timeout=30)
        try:
            return answer_contract(
                contract=application.contract, confirmed=False, note="未签署", by=centre_engineer
            )
        finally:
            dispute_done.set()

    monkeypatch.setattr(applications, "lock_cap_usage", pause_after_the_contract_lock)
    outcomes = race([[lambda: approve_application(application=application, by=bob)], [dispute]])

    errors = [value for kind, value in outcomes if kind == "error"]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), errors
    assert errors[0].code == "contract_subsidised"
    assert Voucher.objects.filter(contract=application.contract).count() == 1
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    contract = Contract.objects.get(pk=application.contract_id)
    assert contract.provider_status != Contract.ProviderStatus.DISPUTED
