"""The ledger side of a reconcile chunk (billing/reconcile.py), set-wise.

After the chunk's records are priced, this sums each voucher's subsidies of the run in
one statement and hands the ledger (vouchers/services/ledger.py `post`) the moves: per
voucher and run, the records' subsidies reserve -> the programme's redeemed account of
the provider (kind REDEEM), and what corrections took back redeemed -> reserve (kind
TAKE_BACK), both with reference "reconcile:<run>", the key its records carry in
`reconcile_run`. The ledger writes the entries, balances, the vouchers' redeemed and
their audit events; this module marks the vouchers used up and writes one audit event
per voucher with its redeemed amount and status before and after. Lock order: the
voucher rows are already locked by the claim; the ledger locks the accounts in id order.
A correction whose take-back the redeemed account could not absorb was already made an
exception `clawback_needed` (billing/corrections.py), so the moves never overdraw it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from audit import actions
from audit import services as audit
from vouchers.models import LedgerAccount, LedgerEntry, Voucher
from vouchers.money import ZERO, from_db
from vouchers.services import ledger

AUDIT_CHUNK = 1000


@dataclass
class Posted:
    vouchers: int = 0
    records: int = 0
    exceptions: int = 0
    subsidy: Decimal = ZERO


@dataclass(frozen=True)
class RunTotal:
    """A voucher's records of the run: what they earned, what corrections took back."""

    earned: Decimal
    taken_back: Decimal
    records: int
    exceptions: int

    @property
    def net(self) -> Decimal:
        return self.earned - self.taken_back

    @property
    def moved(self) -> bool:
        return bool(self.earned or self.taken_back)


RUN_TOTALS = """
SELECT voucher_id,
       SUM(CASE WHEN status = 'redeemed' AND subsidy > 0 THEN subsidy ELSE 0 END),
       SUM(CASE WHEN status = 'redeemed' AND subsidy < 0 THEN -subsidy ELSE 0 END),
       SUM(CASE WHEN status = 'redeemed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'exception' THEN 1 ELSE 0 END)
FROM billing_usagerecord
WHERE voucher_id IN ({vouchers}) AND reconcile_run = %s
GROUP BY voucher_id
"""
# Half a fen of tolerance: SQLite keeps money as binary floats (vouchers/models/fields.py).
EXHAUST = """
UPDATE vouchers_voucher SET status = 'exhausted'
WHERE id IN ({vouchers}) AND status = 'active' AND face_value - redeemed - released < 0.005
"""


def post_run(*, voucher_ids: list[int], run: str) -> Posted:
    marks = ", ".join(["%s"] * len(voucher_ids))
    with connection.cursor() as cursor:
        cursor.execute(RUN_TOTALS.format(vouchers=marks), [*voucher_ids, run])
        totals = {
            row[0]: RunTotal(from_db(row[1]), from_db(row[2]), row[3], row[4])
            for row in cursor.fetchall()
        }
    vouchers = {v.pk: v for v in Voucher.objects.filter(pk__in=list(totals)).order_by("pk")}
    ledger.post(_moves(vouchers, totals, run))
    with connection.cursor() as cursor:
        cursor.execute(EXHAUST.format(vouchers=marks), voucher_ids)
    _audit_vouchers(vouchers, totals, run)
    return Posted(
        vouchers=len(totals),
        records=sum(t.records for t in totals.values()),
        exceptions=sum(t.exceptions for t in totals.values()),
        subsidy=sum((t.net for t in totals.values()), ZERO),
    )


def _moves(vouchers: dict, totals: dict, run: str) -> list[ledger.Move]:
    """Each voucher's redeem and take-back of the run (post drops the zero ones)."""
    reserves = dict(
        LedgerAccount.objects.filter(voucher__in=list(vouchers)).values_list("voucher_id", "pk")
    )
    redeemed_accounts, moves = {}, []
    for pk, voucher in vouchers.items():
        owner = (voucher.programme_id, voucher.provider_id)
        if owner not in redeemed_accounts:
            redeemed_accounts[owner] = ledger.redeemed_account(*owner).pk
        reserve, redeemed, total = reserves[pk], redeemed_accounts[owner], totals[pk]
        common = {"programme_id": voucher.programme_id, "voucher_id": pk}
        common["reference"] = f"reconcile:{run}"
        moves += [
            ledger.Move(LedgerEntry.Kind.REDEEM, reserve, redeemed, total.earned, **common),
            ledger.Move(LedgerEntry.Kind.TAKE_BACK, redeemed, reserve, total.taken_back, **common),
        ]
    return moves


def _audit_vouchers(vouchers: dict, totals: dict, run: str) -> None:
    events = []
    for pk, voucher in vouchers.items():
        total = totals[pk]
        after = voucher.redeemed + total.net
        status = voucher.status
        if status == Voucher.Status.ACTIVE and voucher.face_value - after - voucher.released <= 0:
            status = Voucher.Status.EXHAUSTED
        events.append(
            audit.event(
                actor=None,
                action=actions.VOUCHER_REDEEM if total.moved else actions.VOUCHER_RECONCILE,
                obj=voucher, programme=voucher.programme_id,
                before={"redeemed": voucher.redeemed, "status": voucher.status},
                after={"redeemed": after, "status": status, "run": run,
                       "records": total.records, "exceptions": total.exceptions},
            )
        )  # fmt: skip
    for start in range(0, len(events), AUDIT_CHUNK):
        audit.record_all(events[start : start + AUDIT_CHUNK])
