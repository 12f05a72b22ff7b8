from decimal import Decimal

from vouchers.models import Voucher
from vouchers.services import ledger
from vouchers.services.applications import approve_application
from vouchers.services.ledger_check import check_ledger
from vouchers.services.redemption import redeem


def test_an_approved_application_issues_a_voucher_and_commits_budget(
    application, bob, centre_engineer
):
    approved = approve_application(application=application, by=bob)
    voucher = Voucher.objects.get(application=approved)
    assert voucher.face_value == Decimal("50000.00")
    assert ledger.available_account(approved.programme).balance == Decimal("9950000.00")
    assert redeem(voucher=voucher, billed_amount="1000.01", by=centre_engineer) == Decimal("500.00")
    assert check_ledger(programmes=[approved.programme]).problems == []
