"""`make demo` leaves one claw-back with money still owed, and the books hold."""

from io import StringIO

from django.core.management import call_command

from recovery.models import Finding
from recovery.selectors import outstanding_receivables
from vouchers.services.ledger_check import check_ledger


def test_the_demo_has_a_receivable_outstanding(db):
    call_command("load_demo", stdout=StringIO())
    finding = Finding.objects.get()
    assert finding.receivable.balance == finding.amount > 0
    assert outstanding_receivables(finding.programme.authority) == finding.amount
    assert check_ledger().problems == []
