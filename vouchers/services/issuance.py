"""Issuing a voucher (发放): runs inside approve_application's transaction."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from vouchers.models import Application, LedgerAccount, LedgerEntry, Voucher
from vouchers.services import audit, codes, ledger


def issue_voucher(
    *, application: Application, by, today: date, available: LedgerAccount
) -> Voucher:
    """Create the voucher and move its face value from the programme's available budget
    into the voucher's reserve. Runs inside approve_application's transaction."""
    programme = application.programme
    notice_days = programme.public_notice_days
    valid_from = today + timedelta(days=notice_days)
    voucher = Voucher.objects.create(
        code=codes.new_code(),
        application=application,
        programme=programme,
        entity_id=application.entity_id,
        provider_id=application.contract.provider_id,
        contract_id=application.contract_id,
        kind=application.voucher_kind,
        rate=application.rate,
        face_value=application.approved_amount,
        issued_at=timezone.now(),
        status=Voucher.Status.PUBLIC_NOTICE if notice_days else Voucher.Status.ACTIVE,
        notice_ends_on=valid_from if notice_days else None,
        valid_from=valid_from,
        expires_on=valid_from
        + relativedelta(months=programme.voucher_validity_months)
        - timedelta(days=1),
    )
    audit.record(
        actor=by,
        action="voucher.issue",
        obj=voucher,
        programme=programme,
        after={
            "status": voucher.status,
            "face_value": voucher.face_value,
            "expires_on": voucher.expires_on,
        },
    )
    reserve = ledger.open_reserve(voucher)
    ledger.transfer(
        debit=available,
        credit=reserve,
        amount=voucher.face_value,
        kind=LedgerEntry.Kind.COMMIT,
        by=by,
        voucher=voucher,
    )
    return voucher


def lock_voucher(voucher: Voucher) -> Voucher:
    """The voucher row, locked: the first lock any voucher operation takes (lock order)."""
    return (
        Voucher.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(pk=voucher.pk)
    )
