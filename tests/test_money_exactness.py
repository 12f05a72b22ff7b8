"""Fen amounts stay exact on both databases. SQLite stores decimals as binary floats, so
0.30 - 0.10 - 0.20 is not zero there unless the SQL rounds back to the fen."""

from decimal import Decimal

from tests import builders
from vouchers.models import CapUsage, Voucher
from vouchers.services.applications import approve_application
from vouchers.services.ledger_check import check_ledger
from vouchers.services.redemption import redeem


def test_a_voucher_redeemed_in_awkward_fen_steps_ends_exactly_at_zero(
    application, bob, centre_engineer
):
    approve_application(application=application, by=bob, amount="10000.30")
    voucher = Voucher.objects.get(application=application)
    for billed in ("20000.00", "0.20", "0.40"):  # subsidies 10000.00, 0.10, 0.20
        redeem(voucher=voucher, billed_amount=billed, by=centre_engineer)
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.EXHAUSTED
    assert voucher.reserve_account.balance == Decimal("0.00")
    assert check_ledger(programmes=[voucher.programme]).problems == []


def test_a_cap_of_thirty_fen_takes_ten_then_twenty_fen(chengdu, alice, bob, centre, company):
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], annual_cap="0.30", min_award=None
    )
    for value in ("0.20", "0.40"):  # entitlements 0.10 and 0.20: 0.1 + 0.2 > 0.3 in floats
        application = builders.submitted_application(
            programme=programme, entity=company, provider=centre, value=value
        )
        approve_application(application=application, by=bob)
    assert CapUsage.objects.get(entity=company).used == Decimal("0.30")
