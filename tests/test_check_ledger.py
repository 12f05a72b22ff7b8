"""`manage.py check_ledger`: quiet and zero on healthy books; on a tampered one it names
the account, voucher or cap and the figures, and exits non-zero."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vouchers.models import CapUsage, LedgerAccount, Voucher
from vouchers.services.applications import approve_application
from vouchers.services.ledger_check import LedgerMismatch
from vouchers.services.redemption import redeem
from vouchers.tasks import check_ledger_task


@pytest.fixture
def books(application, bob, centre_engineer):
    """A voucher of 50,000 with 50 redeemed: every kind of figure the check recomputes."""
    voucher = approve_application(application=application, by=bob).voucher
    redeem(voucher=voucher, billed_amount="100.00", by=centre_engineer)
    return voucher


def check(*args) -> str:
    out = StringIO()
    call_command("check_ledger", *args, stdout=out)
    return out.getvalue()


def refused(*args) -> str:
    out = StringIO()
    with pytest.raises(CommandError, match="ledger check failed"):
        call_command("check_ledger", *args, stdout=out)
    return out.getvalue()


def test_healthy_books_pass_with_a_short_summary(books):
    assert check().startswith("ledger OK: 1 programmes, ")
    assert "ledger OK" in check("--programme", books.programme.code)


def test_a_tampered_balance_is_named_with_its_figures(books):
    available = LedgerAccount.objects.get(key__endswith=":available")
    LedgerAccount.objects.filter(pk=available.pk).update(balance=available.balance + 1)

    out = refused("--programme", books.programme.code)

    assert f"account {available.key}: balance {available.balance + 1}, " in out
    assert f"entries give {available.balance}" in out
    # The budget no longer adds up either.
    assert f"programme {books.programme.code}: accounts hold " in out


def test_a_tampered_voucher_and_cap_are_named(books):
    Voucher.objects.filter(pk=books.pk).update(redeemed=Decimal("0.00"))
    CapUsage.objects.filter(entity=books.entity).update(used=Decimal("1.00"))

    out = refused()

    assert f"voucher {books.code} redeemed: stored 0.00, entries give 50.00" in out
    assert "stored 1.00, its vouchers give 50000.00" in out


def test_an_unknown_programme_is_an_error(books):
    with pytest.raises(CommandError, match="no programme nope"):
        call_command("check_ledger", "--programme", "nope")


def test_the_nightly_task_passes_on_healthy_books_and_fails_on_a_tampered_one(books):
    assert check_ledger_task() == []
    Voucher.objects.filter(pk=books.pk).update(released=Decimal("1.00"))
    with pytest.raises(LedgerMismatch, match=f"voucher {books.code} released"):
        check_ledger_task()
