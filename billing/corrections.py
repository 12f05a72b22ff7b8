"""Corrections, inside a reconcile chunk (billing/reconcile.py), under the voucher locks.

A correction names the record_id it `corrects` and carries the corrected billed amount,
or, a FOCUS correction (`delta`), the change to it: that is turned here into the corrected
amount, what the line billed so far plus the change (below zero, an exception
`correction_below_zero`). Deltas add up, so a -300 and a +300 on one line change nothing.
It never edits the original: it is a record of its own whose subsidy is the difference
between what the corrected amount earns (rate x amount rounded down, capped by what is
left on the voucher plus what the original already earned) and what the original and its
earlier corrections earned, so it may be negative. Corrections are rare, so they are
applied one by one after the chunk's set-wise pass, in (period_start, record_id) order.
A correction of an unknown record, or of one that earned nothing (an exception, rejected,
another voucher's), becomes an exception `unknown_original`. That is not final: when its
original is redeemed later (it was sent after the correction), the chunk that redeems it
closes the case as superseded, puts the correction back to pending and applies it after
its original, as if both had come together. Of several corrections of one record the one
last in (period_start, record_id) order sets the amount, whichever came last: a
correction that sorts before one already applied changes nothing (deltas are not
totals: they neither set the last word nor are overruled by it). So the ledger does not
depend on the order in which a provider's corrections and originals arrive.

A correction that takes subsidy back moves it from the provider's redeemed account
(programme x provider) to the voucher's reserve. Once the provider's statement is paid
that account may hold less than the take-back; the run's UPDATE would then overdraw it
(`account_no_overdraft`) and roll back the whole chunk, run after run. Such a correction
becomes an exception `clawback_needed` instead and nothing moves for it: the money has to
be clawed back from the provider (追回), which is a reviewer's business.
"""

from decimal import Decimal

from django.db import connection
from django.db.models import Q

from audit import actions
from audit import services as audit
from billing.models import ReconciliationException, UsageRecord
from vouchers import money_sql
from vouchers.models import LedgerAccount, Voucher
from vouchers.money import from_db, rate_from_db, share_of

PENDING_CORRECTIONS = """
SELECT r.id, r.record_id, r.period_start, r.amount, v.id, v.rate,
       v.face_value - v.redeemed - v.released, o.record_id, o.status, o.voucher_id, o.corrects,
       r.delta
FROM vouchers_voucher v
JOIN vouchers_contract c ON c.id = v.contract_id
JOIN billing_usagerecord r
  ON r.provider_id = c.provider_id AND r.contract_key = c.number_key
LEFT JOIN billing_usagerecord o ON o.provider_id = r.provider_id AND o.record_id = r.corrects
WHERE v.id IN ({vouchers}) AND r.status = 'pending' AND r.corrects <> ''
"""
# What the original and its corrections redeemed so far, and what they billed so far
# (the original's amount plus each correction's change to it).
EARNED = """
SELECT COALESCE(SUM(subsidy), 0),
       COALESCE(SUM(CASE WHEN corrects = '' THEN amount ELSE billed_change END), 0)
FROM billing_usagerecord
WHERE provider_id = (SELECT provider_id FROM billing_usagerecord WHERE id = %s)
  AND status = 'redeemed' AND (record_id = %s OR corrects = %s)
"""
# What the provider's redeemed account can give back now: its balance, plus what this
# run (the chunk) moves into it so far from every voucher of the same programme and
# provider (the set-wise pass and the corrections before this one).
ROOM = """
SELECT COALESCE((SELECT a.balance FROM vouchers_ledgeraccount a
                 WHERE a.kind = 'redeemed' AND a.programme_id = v.programme_id
                   AND a.provider_id = v.provider_id), 0),
       COALESCE((SELECT SUM(r.subsidy) FROM billing_usagerecord r
                 JOIN vouchers_voucher w ON w.id = r.voucher_id
                 WHERE r.reconcile_run = %s AND r.status = 'redeemed'
                   AND w.programme_id = v.programme_id AND w.provider_id = v.provider_id), 0)
FROM vouchers_voucher v WHERE v.id = %s
"""
TAKEN_IN_RUN = """
SELECT COALESCE(SUM(subsidy), 0) FROM billing_usagerecord
WHERE voucher_id = %s AND reconcile_run = %s AND status = 'redeemed'
"""
SETTLE = """
UPDATE billing_usagerecord
SET status = %s, exception = %s, subsidy = %s, billed_change = %s, voucher_id = %s,
    reconcile_run = %s, reconciled_at = %s
WHERE id = %s
"""


def apply(cursor, *, voucher_ids: list[int], run: str, now) -> None:
    _reopen_stranded(cursor, voucher_ids, now)
    cursor.execute(
        PENDING_CORRECTIONS.format(vouchers=", ".join(["%s"] * len(voucher_ids))), voucher_ids
    )
    rows = sorted(cursor.fetchall(), key=lambda row: (row[2], row[1]))
    if rows:
        _lock_redeemed_accounts(voucher_ids)
    for row in rows:
        _apply_one(cursor, row, run, now)


# Corrections left as `unknown_original` whose original is now redeemed on one of the
# chunk's vouchers (this run or an earlier one).
STRANDED = """
SELECT r.id FROM billing_usagerecord r
JOIN billing_usagerecord o ON o.provider_id = r.provider_id AND o.record_id = r.corrects
WHERE r.status = 'exception' AND r.exception = 'unknown_original' AND r.corrects <> ''
  AND o.status = 'redeemed' AND o.corrects = '' AND o.voucher_id IN ({vouchers})
"""


def _reopen_stranded(cursor, voucher_ids: list[int], now) -> None:
    """Put the stranded corrections back to pending, closing their open cases as
    superseded (audited): apply() then prices them after their originals."""
    cursor.execute(STRANDED.format(vouchers=", ".join(["%s"] * len(voucher_ids))), voucher_ids)
    ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return
    UsageRecord.objects.filter(pk__in=ids).update(
        status=UsageRecord.Status.PENDING, exception=None, reconcile_run="", reconciled_at=None
    )
    cases = ReconciliationException.objects.select_for_update().filter(
        record_id__in=ids, status=ReconciliationException.Status.OPEN
    )
    for case in cases.select_related("record").order_by("pk"):
        case.supersede()
        case.decided_at = now
        case.save(update_fields=["status", "decided_at"])
        audit.record(
            actor=None, action=actions.USAGE_EXCEPTION_SUPERSEDED, obj=case,
            before={"status": ReconciliationException.Status.OPEN, "reason": case.reason},
            after={"status": case.status, "record": case.record.record_id},
        )  # fmt: skip


def _lock_redeemed_accounts(voucher_ids: list[int]) -> None:
    """Lock the redeemed accounts the chunk can move, in id order, before any take-back
    is judged against their balances: a payment from one of them (billing/settlements.py)
    either commits first and is seen, or waits for the chunk. All of them, not just
    those the corrections name, so that post_run's later updates (in id order too) wait
    for no account this chunk does not already hold."""
    owners = Voucher.objects.filter(pk__in=voucher_ids).values_list("programme_id", "provider_id")
    pairs = Q()
    for programme_id, provider_id in set(owners):
        pairs |= Q(programme_id=programme_id, provider_id=provider_id)
    accounts = LedgerAccount.objects.select_for_update().filter(
        pairs, kind=LedgerAccount.Kind.REDEEMED
    )
    list(accounts.order_by("pk").values_list("pk", flat=True))


def _apply_one(cursor, row, run: str, now) -> None:
    pk, _, _, sent, voucher_id, rate, remainder, original, status, on_voucher, chained, delta = row
    at = connection.ops.adapt_datetimefield_value(now)

    def settle(status, reason, subsidy=None, billed_change=None):
        cursor.execute(SETTLE, [status, reason, subsidy, billed_change, voucher_id, run, at, pk])

    if original is None or status != "redeemed" or on_voucher != voucher_id or chained:
        settle("exception", "unknown_original")
        return
    cursor.execute(EARNED, [pk, original, original])
    earned, billed = (from_db(value) for value in cursor.fetchone())
    amount = billed + from_db(sent) if delta else _latest_amount(cursor, pk, sent)
    if amount < 0:
        settle("exception", "correction_below_zero")
        return
    left = from_db(remainder) - from_db(_scalar(cursor, TAKEN_IN_RUN, [voucher_id, run]))
    target = min(share_of(amount, rate_from_db(rate)), left + earned)
    if target - earned < 0 and earned - target > _room(cursor, voucher_id, run):
        settle("exception", "clawback_needed")
        return
    settle("redeemed", None, target - earned, amount - billed)


# The amount of a correction of the same record already applied that comes after this
# one in (period_start, record_id) order: it, not this one, is the record's last word.
LATER_CORRECTION = """
SELECT l.amount FROM billing_usagerecord c
JOIN billing_usagerecord l ON l.provider_id = c.provider_id AND l.corrects = c.corrects
WHERE c.id = %s AND l.status = 'redeemed' AND NOT l.delta
  AND (l.period_start > c.period_start
       OR (l.period_start = c.period_start AND l.record_id {text_order} > c.record_id))
ORDER BY l.period_start DESC, l.record_id {text_order} DESC
LIMIT 1
"""


def _latest_amount(cursor, pk: int, amount) -> Decimal:
    cursor.execute(LATER_CORRECTION.format(text_order=money_sql.text_order()), [pk])
    later = cursor.fetchone()
    return from_db(later[0] if later else amount)


def _room(cursor, voucher_id: int, run: str) -> Decimal:
    """What the voucher's redeemed account can give back without overdrawing.

    Decided here, correction by correction, rather than over the per-voucher nets in
    billing/reconcile_ledger.py: only a correction can take back, and deciding where it
    is priced keeps the later corrections of the same voucher priced on the remainder
    without the refused one (a pass over the nets would have to reprice them). A
    correction is counted against the run's moves so far, in the order they are applied,
    so the net the ledger moves per account never exceeds its balance. The account is
    locked by then (`_lock_redeemed_accounts`), so no payment can lower it meanwhile."""
    cursor.execute(ROOM, [run, voucher_id])
    balance, moved = cursor.fetchone()
    return from_db(balance) + from_db(moved)


def _scalar(cursor, sql: str, params: list):
    cursor.execute(sql, params)
    return cursor.fetchone()[0]
