from decimal import Decimal

from billing.models import UsageRecord
from billing.reconcile import reconcile
from tests.billing.conftest import send, usage
from vouchers.services.ledger_check import check_ledger


def test_a_record_redeems_half_its_amount(voucher, centre):
    assert send(centre, [usage(amount="100.01")]) == ["accepted"]

    outcome = reconcile()

    record = UsageRecord.objects.get()
    assert record.status == "redeemed"
    assert record.subsidy == Decimal("50.00")
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("50.00")
    assert outcome.records_redeemed == 1
    assert check_ledger(programmes=[voucher.programme]).problems == []
