"""Issuing a voucher (发放): runs inside approve_application's transaction."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from config import rows
from vouchers.models import Application, CapUsage, LedgerAccount, LedgerEntry, Voucher
from vouchers.services import audit, codes, ledger
from vouchers.services.caps import reserving


def issue_voucher(
    *,
    application: Application,
    by,
    today: date,
    available: LedgerAccount,
    usage: CapUsage | None,
    audit_events: tuple = (),
) -> None:
    """Create the voucher, use the entity's cap and move the face value from the
    programme's available budget into the voucher's reserve, and commit. The last step
    of approve_application's transaction; `audit_events` are written with the ledger's.

    The inserts come first; the two contended rows are updated last, the entity's cap row
    and then the programme's available account (the lock order), in the same round trip
    as the COMMIT (config/rows.py: commit_with), so their locks are held only for the
    server's own work. A refusal is an IntegrityError on caps.WITHIN_LIMIT or
    ledger.NO_OVERDRAFT, which the caller turns into the reason."""
    programme = application.programme
    notice_days = programme.public_notice_days
    valid_from = today + timedelta(days=notice_days)
    voucher = Voucher(
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
    rows.insert(voucher)
    issued = audit.event(
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
    entry = ledger.insert_entry(
        debit=available,
        credit=ledger.open_reserve(voucher),
        amount=voucher.face_value,
        kind=LedgerEntry.Kind.COMMIT,
        by=by,
        voucher=voucher,
    )
    # The audit events need no answer from the server, so they go in the last round trip
    # too, ahead of the contended updates.
    events = [*audit_events, issued, ledger.entry_event(entry, by)]
    rows.commit_with(
        [
            rows.inserting_all(events),
            *reserving(usage, voucher.face_value),
            ledger.applying(entry),
        ]
    )


def lock_voucher(voucher: Voucher) -> Voucher:
    """The voucher row, locked: the first lock any voucher operation takes (lock order)."""
    return (
        Voucher.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(pk=voucher.pk)
    )
