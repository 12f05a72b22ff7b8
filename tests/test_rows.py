"""config/rows.py: plain-SQL rows that read and write exactly what the ORM would, and
`commit_with`, which on PostgreSQL sends an approval's contended updates with its COMMIT.

Runs on SQLite and on PostgreSQL; the tests of the one-round-trip COMMIT need PostgreSQL
and real transactions (pytest's default test transaction would be nested around them).
"""

from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, transaction

from config import rows
from config.errors import DomainError
from tests import builders
from vouchers.models import Application, AuditEvent, CapUsage, LedgerAccount, Voucher
from vouchers.services import applications, ledger
from vouchers.services.applications import approve_application

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one round trip matters on PostgreSQL only"
)


@contextmanager
def statements_sent():
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield sent


# SQLite keeps a decimal as a binary float, exact to 15 significant digits, and Django
# reads it back to 15: 9,999,999,999,999.99 yuan is the most it holds to the fen.
@pytest.mark.parametrize("amount", ["0.10", "0.30", "9999999999999.99"])
def test_money_is_written_and_read_back_to_the_fen(programme, amount):
    account = rows.insert(
        LedgerAccount(key=f"test:{amount}", programme=programme, kind="paid", balance=amount)
    )

    read = rows.get(LedgerAccount, key=f"test:{amount}")

    assert read.pk == account.pk
    assert isinstance(read.balance, Decimal)
    assert read.balance == Decimal(amount)
    assert LedgerAccount.objects.get(pk=account.pk).balance == Decimal(amount)


def test_an_update_only_changes_a_row_that_is_still_as_read(application, bob):
    stale = Application.objects.get(pk=application.pk)
    application.review_note = "first"
    read = {"status": "submitted", "decided_at": None}

    assert rows.update(application, ("review_note",), unless_changed=read) == 1
    assert rows.update(stale, ("review_note",), unless_changed={"status": "approved"}) == 0
    assert Application.objects.get(pk=application.pk).review_note == "first"


def test_a_read_of_some_fields_defers_the_others(application):
    read = rows.get(Application, fields=("status",), pk=application.pk)

    assert read.status == Application.Status.SUBMITTED
    assert "evaluation" in read.get_deferred_fields()
    assert read.evaluation == application.evaluation  # loaded on first use, as with only()


def test_inside_an_outer_transaction_the_commit_is_left_to_it(programme):
    account = ledger.available_account(programme)
    funding = LedgerAccount.objects.get(programme=programme, kind=LedgerAccount.Kind.FUNDING)
    sql, params = ledger.applying(
        mock.Mock(amount=Decimal("1.00"), credit_id=funding.pk, debit_id=account.pk)
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        with statements_sent() as sent, transaction.atomic():
            rows.commit_with([(sql, params)])
        raise RuntimeError("the outer transaction fails")

    assert not any("COMMIT" in s for s in sent)
    assert ledger.available_account(programme).balance == account.balance


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_approval_sends_its_contended_updates_with_the_commit(programme, application, bob):
    with statements_sent() as sent:
        approve_application(application=application, by=bob)

    last = sent[-1]
    assert "vouchers_auditevent" in last and "vouchers_capusage" in last
    assert "vouchers_ledgeraccount" in last and last.rstrip().endswith("COMMIT")
    # The audit events sent in that message are stored as the ORM would store them.
    issued = AuditEvent.objects.get(action="voucher.issue", object_id=str(application.voucher.pk))
    assert issued.after["face_value"] == "50000.00"
    assert issued.actor == bob
    assert not connection.in_atomic_block
    assert Voucher.objects.filter(application=application).exists()
    assert ledger.available_account(programme).balance == Decimal("9950000.00")
    assert ledger.mismatched_balances(programme) == []


def _stale_approval(limits: dict, chengdu, alice, bob, centre, company):
    """Approve a second 50,000 award as if the budget and cap had been read before the
    first one took 50,000 of the 75,000 there was: the database must refuse it."""
    programme = builders.programme(authority=chengdu, manager=alice, providers=[centre], **limits)
    first, second = (
        builders.submitted_application(programme=programme, entity=company, provider=centre)
        for _ in range(2)
    )
    approve_application(application=first, by=bob)
    stale = mock.patch.object(applications, "_entitlement_now", return_value=Decimal("50000.00"))
    with stale, pytest.raises(DomainError) as refusal:
        approve_application(application=second, by=bob)
    return programme, second, refusal.value


STALE_CASES = pytest.mark.parametrize(
    ("limits", "code"),
    [
        ({"budget": "75000.00"}, "budget_exhausted"),
        ({"annual_cap": "75000.00"}, "cap_exceeded"),
    ],
    ids=["budget", "cap"],
)


def _refused_with_nothing_written(limits, code, chengdu, alice, bob, centre, company):
    programme, second, refusal = _stale_approval(limits, chengdu, alice, bob, centre, company)

    assert refusal.code == code
    assert Application.objects.get(pk=second.pk).status == Application.Status.SUBMITTED
    assert Voucher.objects.filter(programme=programme).count() == 1
    left = programme.total_budget - Decimal("50000.00")
    assert ledger.available_account(programme).balance == left
    assert CapUsage.objects.get(programme=programme, entity=company).used == Decimal("50000.00")
    assert ledger.mismatched_balances(programme) == []
    # The connection is usable afterwards: the next approval goes through.
    third = builders.submitted_application(
        programme=programme, entity=company, provider=centre, value="20000.00"
    )
    assert approve_application(application=third, by=bob).approved_amount == Decimal("10000.00")


@STALE_CASES
def test_a_stale_read_of_the_limits_is_refused_by_the_database(
    limits, code, chengdu, alice, bob, centre, company
):
    _refused_with_nothing_written(limits, code, chengdu, alice, bob, centre, company)


@on_postgresql
@pytest.mark.django_db(transaction=True)
@STALE_CASES
def test_a_refusal_in_the_commit_round_trip_rolls_everything_back(
    limits, code, chengdu, alice, bob, centre, company
):
    _refused_with_nothing_written(limits, code, chengdu, alice, bob, centre, company)
