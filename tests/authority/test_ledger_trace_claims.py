"""The ledger trace of a reimburse voucher: an approved claim moves the voucher's money
reserve -> payable (the entity's), and the payment batch that paid it shows with its
audit event; the paid stage counts the claim once it is paid."""

from decimal import Decimal

from payments.services import batches
from tests.company.conftest import clerk, private_media  # noqa: F401 (fixtures)
from tests.payments.conftest import (  # noqa: F401 (fixtures)
    approved,
    approved_claim,
    bank_details,
    fiona,
    prepared,
    references_for,
    reimburse,
    statement,
)


def trace_of(client, voucher):
    return client.get(f"/authority/vouchers/{voucher.pk}/trace/")


def test_an_approved_claim_is_payable_until_its_batch_pays_it(as_bob, approved, fiona):  # noqa: F811
    voucher = approved.lines.get(claim__isnull=False).claim.voucher
    before = trace_of(as_bob, voucher).context

    assert (before["stages"]["payable"], before["stages"]["paid"]) == (
        Decimal("4000.00"),
        Decimal("0"),
    )
    flow = [(row["moves"]["kind"], row["moves"]["credit__kind"]) for row in before["flow"]]
    assert flow == [("commit", "reserve"), ("redeem", "payable")]

    batches.pay_batch(batch=approved, references=references_for(approved), by=fiona)
    after = trace_of(as_bob, voucher).context

    assert after["stages"]["paid"] == Decimal("4000.00")
    (claim,) = after["settled"]["claims"]
    assert claim.status == "paid"
    (payment,) = after["settled"]["onward"]
    assert (payment.kind, payment.amount, payment.event.actor) == ("pay", Decimal("4000.00"), fiona)
    assert payment.debit.kind == "payable" and payment.credit.kind == "paid"
