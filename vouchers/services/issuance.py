"""Issuing a voucher (发放): runs inside approve_application's transaction."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from audit import actions
from audit import services as audit
from vouchers.models import Application, CapUsage, LedgerAccount, LedgerEntry, Voucher
from vouchers.services import codes, ledger


def issue_voucher(
    *,
    application: Application,
    by,
    today: date,
    available: LedgerAccount,
    usage: CapUsage | None,
) -> Voucher:
    """Create the voucher, use the entity's cap and move the face value from the
    programme's available budget into the voucher's reserve. The caller holds the locks
    of the lock order (the application, the cap row, the available account) and the
    transaction; a refusal (cap_exceeded, budget_exhausted) rolls back all of it."""
    voucher = _new_voucher(application, today)
    audit.record(
        actor=by,
        action=actions.VOUCHER_ISSUE,
        obj=voucher,
        programme=application.programme,
        after={
            "status": voucher.status,
            "face_value": voucher.face_value,
            "expires_on": voucher.expires_on,
        },
    )
    ledger.use_cap(usage, voucher.face_value)
    ledger.transfer(
        debit=available,
        credit=ledger.open_reserve(voucher),
        amount=voucher.face_value,
        kind=LedgerEntry.Kind.COMMIT,
        by=by,
        voucher=voucher,
    )
    return voucher


def _new_voucher(application: Application, today: date) -> Voucher:
    """The voucher, saved: valid after the programme's public notice (if any) for its
    validity in months."""
    programme = application.programme
    notice_days = programme.public_notice_days
    valid_from = today + timedelta(days=notice_days)
    return Voucher.objects.create(
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
