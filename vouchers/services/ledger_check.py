"""Recompute the books from the ledger entries and say what does not match.

The cached figures (account balances, a voucher's redeemed and released, an entity's cap
use) are written in the same transactions as the entries, so they should always agree.
This is the independent check that they do: run nightly by beat, after the demo load in
CI, and by the tests after every scenario. Each problem is one line with the figures."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, F, Sum, Value, When

from company.models import Claim
from recovery.models import Finding, Recovery
from vouchers.models import CapUsage, LedgerAccount, LedgerEntry, Programme, Voucher
from vouchers.money import from_db
from vouchers.services.ledger import account_key as ledger_key

ZERO = Decimal("0.00")


class LedgerMismatch(Exception):
    """The books do not agree with their entries (raised by the nightly task)."""


@dataclass(frozen=True)
class Checked:
    programmes: int
    accounts: int
    vouchers: int
    cap_rows: int
    problems: list[str]


def check_ledger(*, programmes=None) -> Checked:
    """Check `programmes` (every funded programme if None)."""
    programmes = list(programmes if programmes is not None else Programme.objects.all())
    problems, counts = [], defaultdict(int)
    for programme in programmes:
        accounts = list(programme.accounts.all())
        vouchers = list(Voucher.objects.filter(programme=programme))
        caps = list(CapUsage.objects.filter(programme=programme).select_related("programme"))
        problems += _balances(programme, accounts)
        problems += _budget(programme, accounts)
        problems += _vouchers(programme, vouchers)
        problems += _caps(caps, vouchers)
        problems += _payables(programme, accounts)
        problems += _receivables(accounts)
        counts["accounts"] += len(accounts)
        counts["vouchers"] += len(vouchers)
        counts["caps"] += len(caps)
    return Checked(
        len(programmes), counts["accounts"], counts["vouchers"], counts["caps"], problems
    )


def _sums(entries, by: str) -> dict:
    return dict(entries.values_list(by).annotate(total=Sum("amount")).order_by())


def _balances(programme: Programme, accounts: list[LedgerAccount]) -> list[str]:
    """Each account's cached balance is its credits minus its debits."""
    entries = LedgerEntry.objects.filter(programme=programme)
    credits, debits = _sums(entries, "credit"), _sums(entries, "debit")
    return [
        f"account {a.key}: balance {a.balance:.2f}, entries give {expected:.2f}"
        for a in accounts
        if a.balance != (expected := credits.get(a.pk, ZERO) - debits.get(a.pk, ZERO))
    ]


def _budget(programme: Programme, accounts: list[LedgerAccount]) -> list[str]:
    """Available + reserves + redeemed + payables + paid is the budget (the funding accounts hold
    its negative); a programme never funded has no accounts and nothing to check."""
    if not accounts:
        return []
    held = sum((a.balance for a in accounts if a.kind != LedgerAccount.Kind.FUNDING), ZERO)
    if held == programme.total_budget:
        return []
    return [
        f"programme {programme.code}: accounts hold {held:.2f}, budget {programme.total_budget}"
    ]


def _vouchers(programme: Programme, vouchers: list[Voucher]) -> list[str]:
    """A voucher's face value, redeemed and released are its commit, redeem less
    take-back, and release entries. A redeem entry that runs back into the reserve (how a
    take-back was written before it had a kind of its own) counts negative too."""
    entries = LedgerEntry.objects.filter(programme=programme).exclude(voucher=None)
    Kind = LedgerEntry.Kind
    away_from_reserve = Case(
        When(kind=Kind.TAKE_BACK, then=-F("amount")),
        When(kind=Kind.REDEEM, credit__kind=LedgerAccount.Kind.RESERVE, then=-F("amount")),
        default=F("amount"),
        output_field=LedgerEntry._meta.get_field("amount"),
    )
    # A take-back lowers what its voucher redeemed.
    kind_of = Case(
        When(kind=Kind.TAKE_BACK, then=Value(Kind.REDEEM)),
        default=F("kind"),
        output_field=LedgerEntry._meta.get_field("kind"),
    )
    totals = defaultdict(lambda: ZERO)
    signed = (
        entries.annotate(figure=kind_of)
        .values_list("voucher", "figure")
        .annotate(total=Sum(away_from_reserve))
    )
    for voucher_id, kind, total in signed.order_by():
        totals[voucher_id, kind] += from_db(total)
    problems = []
    for v in vouchers:
        for field, kind in (("face_value", Kind.COMMIT), ("redeemed", Kind.REDEEM)):
            problems += _differs(f"voucher {v.code} {field}", getattr(v, field), totals[v.pk, kind])
        problems += _differs(f"voucher {v.code} released", v.released, totals[v.pk, Kind.RELEASE])
    return problems


def _caps(caps: list[CapUsage], vouchers: list[Voucher]) -> list[str]:
    """An entity's cap use is the face value of its vouchers less what was released."""
    held = defaultdict(lambda: ZERO)
    for v in vouchers:
        held[v.entity_id] += v.face_value - v.released
    problems = []
    for cap in caps:
        label = f"cap of entity {cap.entity_id} in {cap.programme.code}"
        problems += _differs(label, cap.used, held[cap.entity_id], source="its vouchers")
    return problems


def _payables(programme: Programme, accounts: list[LedgerAccount]) -> list[str]:
    """An entity's payable is its approved claims not yet paid."""
    approved = Claim.objects.filter(voucher__programme=programme, status=Claim.Status.APPROVED)
    owed = dict(approved.values_list("entity").annotate(total=Sum("approved_amount")).order_by())
    keys = {ledger_key(programme.pk, LedgerAccount.Kind.PAYABLE, f"entity{e}"): e for e in owed}
    problems = []
    for account in accounts:
        if account.kind == LedgerAccount.Kind.PAYABLE:
            expected = from_db(owed.pop(keys.get(account.key), None))
            problems += _differs(f"payable {account.key}", account.balance, expected, "claims")
    return problems + [
        f"claims of entity {entity} approved for {total:.2f}: no payable account"
        for entity, total in owed.items()
    ]


def _receivables(accounts: list[LedgerAccount]) -> list[str]:
    """A receivable is its findings less its offsets, repayments and write-offs."""
    receivables = [a for a in accounts if a.kind == LedgerAccount.Kind.RECEIVABLE]
    found = _sums(Finding.objects.filter(receivable__in=receivables), "receivable")
    recovered = _sums(Recovery.objects.filter(receivable__in=receivables), "receivable")
    return [
        problem
        for a in receivables
        for problem in _differs(
            f"receivable {a.key}",
            a.balance,
            from_db(found.get(a.pk)) - from_db(recovered.get(a.pk)),
            source="findings less recoveries",
        )
    ]


def _differs(label: str, stored: Decimal, expected: Decimal, source="entries") -> list[str]:
    # Formatted to the fen: a sum on SQLite comes back without trailing zeros.
    return (
        []
        if stored == expected
        else [f"{label}: stored {stored:.2f}, {source} give {expected:.2f}"]
    )
