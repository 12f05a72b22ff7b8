"""The ledger side of a reconcile chunk (billing/reconcile.py), set-wise.

After the chunk's records are priced, each voucher's net subsidy of the run moves
reserve -> the programme's redeemed account of the provider (redeemed -> reserve if
corrections took more back than the run gave): one append-only `LedgerEntry` (kind
REDEEM, reference "reconcile:<run>", the key its records carry in `reconcile_run`) per
voucher and run, its audit event, and one audit event per voucher with its redeemed
amount and status before and after. The cached balances and `Voucher.redeemed` move in
set-wise UPDATEs guarded by the foundation's check constraints (reserve >= 0, redeemed
<= face value). Lock order: the voucher rows are already locked by the claim; reserves
next; the shared redeemed accounts last, one at a time in id order, so two workers never
wait on each other in opposite orders. A correction whose take-back the redeemed account
could not absorb was already made an exception `clawback_needed` (billing/corrections.py),
so the nets moved here never overdraw it.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from audit import actions
from audit import services as audit
from vouchers.models import LedgerAccount, LedgerEntry, Voucher
from vouchers.services import ledger

ZERO = Decimal("0.00")
AUDIT_CHUNK = 1000


@dataclass
class Posted:
    vouchers: int = 0
    records: int = 0
    exceptions: int = 0
    subsidy: Decimal = ZERO


RUN_TOTALS = """
SELECT voucher_id, SUM(CASE WHEN status = 'redeemed' THEN subsidy ELSE 0 END),
       SUM(CASE WHEN status = 'redeemed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'exception' THEN 1 ELSE 0 END)
FROM billing_usagerecord
WHERE voucher_id IN ({vouchers}) AND reconcile_run = %s
GROUP BY voucher_id
"""
# The run's net subsidy per voucher, as a derived table for the two UPDATEs below.
RUN_NET = """(
    SELECT voucher_id, SUM(subsidy) AS total FROM billing_usagerecord
    WHERE voucher_id IN ({vouchers}) AND reconcile_run = %s AND status = 'redeemed'
    GROUP BY voucher_id) d"""
MOVE_VOUCHERS = """
UPDATE vouchers_voucher SET redeemed = ROUND(vouchers_voucher.redeemed + d.total, 2)
FROM {net} WHERE vouchers_voucher.id = d.voucher_id AND d.total <> 0
"""
MOVE_RESERVES = """
UPDATE vouchers_ledgeraccount SET balance = ROUND(vouchers_ledgeraccount.balance - d.total, 2)
FROM {net}
WHERE vouchers_ledgeraccount.voucher_id = d.voucher_id AND vouchers_ledgeraccount.kind = 'reserve'
  AND d.total <> 0
"""
# Half a fen of tolerance: SQLite keeps money as binary floats (vouchers/models/fields.py).
EXHAUST = """
UPDATE vouchers_voucher SET status = 'exhausted'
WHERE id IN ({vouchers}) AND status = 'active' AND face_value - redeemed - released < 0.005
"""
MOVE_ACCOUNT = 'UPDATE vouchers_ledgeraccount SET balance = ROUND(balance + %s, 2) WHERE "id" = %s'


def post_run(*, voucher_ids: list[int], run: str) -> Posted:
    marks = ", ".join(["%s"] * len(voucher_ids))
    with connection.cursor() as cursor:
        cursor.execute(RUN_TOTALS.format(vouchers=marks), [*voucher_ids, run])
        totals = {row[0]: (_fen(row[1]), row[2], row[3]) for row in cursor.fetchall()}
        vouchers = {v.pk: v for v in Voucher.objects.filter(pk__in=list(totals)).order_by("pk")}
        net = RUN_NET.format(vouchers=marks)
        cursor.execute(MOVE_VOUCHERS.format(net=net), [*voucher_ids, run])
        cursor.execute(MOVE_RESERVES.format(net=net), [*voucher_ids, run])
        cursor.execute(EXHAUST.format(vouchers=marks), voucher_ids)
        moved = {pk: total for pk, (total, _, _) in totals.items() if total != 0}
        _post_entries(cursor, [vouchers[pk] for pk in moved], moved, run)
    _audit_vouchers(vouchers, totals, run)
    return Posted(
        vouchers=len(totals),
        records=sum(t[1] for t in totals.values()),
        exceptions=sum(t[2] for t in totals.values()),
        subsidy=sum((t[0] for t in totals.values()), ZERO),
    )


def _post_entries(cursor, vouchers: list[Voucher], moved: dict, run: str) -> None:
    reserves = dict(
        LedgerAccount.objects.filter(voucher__in=vouchers).values_list("voucher_id", "pk")
    )
    entries, events, per_account, accounts = [], [], defaultdict(Decimal), {}
    for voucher in vouchers:
        owner = (voucher.programme_id, voucher.provider_id)
        if owner not in accounts:
            accounts[owner] = ledger.redeemed_account(*owner)
        redeemed = accounts[owner]
        total = moved[voucher.pk]
        per_account[redeemed.pk] += total
        reserve_key = ledger.account_key(voucher.programme_id, "reserve", f"v{voucher.pk}")
        ends = [(reserves[voucher.pk], reserve_key), (redeemed.pk, redeemed.key)]
        (debit, debit_key), (credit, credit_key) = ends if total > 0 else ends[::-1]
        entries.append(
            LedgerEntry(
                programme_id=voucher.programme_id, kind=LedgerEntry.Kind.REDEEM,
                debit_id=debit, credit_id=credit, amount=abs(total), voucher=voucher,
                reference=f"reconcile:{run}",
            )
        )  # fmt: skip
        events.append({"debit": debit_key, "credit": credit_key, "amount": abs(total)})
    LedgerEntry.objects.bulk_create(entries)
    for account in sorted(per_account):
        cursor.execute(MOVE_ACCOUNT, [per_account[account], account])
    _write_audit(
        [
            audit.event(
                actor=None, action=actions.LEDGER[entry.kind], obj=entry, programme=entry.programme_id,
                after={**after, "reference": entry.reference},
            )
            for entry, after in zip(entries, events, strict=True)
        ]
    )  # fmt: skip


def _audit_vouchers(vouchers: dict, totals: dict, run: str) -> None:
    events = []
    for pk, voucher in vouchers.items():
        total, records, exceptions = totals[pk]
        after = voucher.redeemed + total
        status = voucher.status
        if status == Voucher.Status.ACTIVE and voucher.face_value - after - voucher.released <= 0:
            status = Voucher.Status.EXHAUSTED
        events.append(
            audit.event(
                actor=None, action=actions.VOUCHER_REDEEM if total else actions.VOUCHER_RECONCILE,
                obj=voucher, programme=voucher.programme_id,
                before={"redeemed": voucher.redeemed, "status": voucher.status},
                after={"redeemed": after, "status": status, "run": run,
                       "records": records, "exceptions": exceptions},
            )
        )  # fmt: skip
    _write_audit(events)


def _write_audit(events: list) -> None:
    for start in range(0, len(events), AUDIT_CHUNK):
        audit.record_all(events[start : start + AUDIT_CHUNK])


def _fen(value) -> Decimal:
    """A sum read back as exact fen (SQLite hands money back as a binary float)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
