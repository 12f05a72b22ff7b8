"""The double-entry ledger, and the one writer of money.

Nothing else writes ledger entries, account balances, a voucher's `redeemed` and
`released` or an entity's cap use (`CapUsage.used`); services and pipelines decide
the amounts and hand them here (a test greps the code for other writers).

`transfer()` moves one amount: the append-only entry, the two cached balances and the
audit event. `post()` moves many at once, for the pipelines (reconciliation): entries in
bulk, the balance changes summed per account and applied in account-id order, the
vouchers' amounts, and the audit events in bulk. Both move a voucher's figures from the
entry's kind: a redeem raises `redeemed`, a take-back (a correction that reduces the
subsidy, reserve <- redeemed, an entry of its own kind, never a redeem in reverse)
lowers it, a release raises `released`.

An account that may not go negative is guarded by the check constraint
`account_no_overdraft`, the vouchers by theirs (redeemed + released <= face value), the
cap rows by `cap_used_within_limit`: a move that would break one fails the statement
and with it the whole transaction. Callers hold the locks of the lock order (voucher
rows, reserves, redeemed accounts in id order) inside transaction.atomic().
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Case, F, Value, When
from django.db.models.functions import Round

from audit import actions
from audit import services as audit
from config.errors import DomainError
from vouchers.models import (
    CapUsage,
    FundingSource,
    LedgerAccount,
    LedgerEntry,
    Programme,
    Voucher,
)
from vouchers.money import split_by_weights
from vouchers.services.caps import cap_exceeded


def account_key(programme_id: int, kind: str, suffix: str = "") -> str:
    return f"p{programme_id}:{kind}{':' + suffix if suffix else ''}"


def available_key(programme: Programme) -> str:
    return account_key(programme.pk, LedgerAccount.Kind.AVAILABLE)


def available_account(programme: Programme, *, lock: bool = False) -> LedgerAccount:
    """The programme's available account; `lock` takes its row lock, last in the lock
    order (it is the hot row every approval debits)."""
    accounts = LedgerAccount.objects.select_for_update() if lock else LedgerAccount.objects
    try:
        return accounts.get(key=available_key(programme))
    except LedgerAccount.DoesNotExist:
        raise never_funded(programme) from None


def never_funded(programme: Programme) -> LedgerAccount.DoesNotExist:
    return LedgerAccount.DoesNotExist(f"programme {programme.pk} was never funded: no accounts")


def open_reserve(voucher: Voucher) -> LedgerAccount:
    return LedgerAccount.objects.create(
        key=account_key(voucher.programme_id, LedgerAccount.Kind.RESERVE, f"v{voucher.pk}"),
        programme_id=voucher.programme_id,
        kind=LedgerAccount.Kind.RESERVE,
        voucher=voucher,
    )


def redeemed_account(programme_id: int, provider_id: int) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(
        key=account_key(programme_id, LedgerAccount.Kind.REDEEMED, f"provider{provider_id}"),
        defaults={
            "programme_id": programme_id,
            "kind": LedgerAccount.Kind.REDEEMED,
            "provider_id": provider_id,
        },
    )
    return account


def paid_account(programme_id: int, provider_id: int) -> LedgerAccount:
    """What the programme has paid the provider (settlement payments)."""
    account, _ = LedgerAccount.objects.get_or_create(
        key=account_key(programme_id, LedgerAccount.Kind.PAID, f"provider{provider_id}"),
        defaults={
            "programme_id": programme_id,
            "kind": LedgerAccount.Kind.PAID,
            "provider_id": provider_id,
        },
    )
    return account


def payee_account(
    programme_id: int, kind: str, *, provider_id: int | None = None, entity_id: int | None = None
) -> LedgerAccount:
    """A payee's account of `kind` (paid, receivable), keyed by the provider or the entity
    like the redeemed and payable accounts; opened on first use."""
    suffix = f"provider{provider_id}" if provider_id else f"entity{entity_id}"
    account, _ = LedgerAccount.objects.get_or_create(
        key=account_key(programme_id, kind, suffix),
        defaults={"programme_id": programme_id, "kind": kind, "provider_id": provider_id},
    )
    return account


def receivable_key(programme_id: int, *, provider_id=None, entity_id=None) -> str:
    """What the payee owes the programme back after a claw-back finding (recovery/)."""
    suffix = f"provider{provider_id}" if provider_id else f"entity{entity_id}"
    return account_key(programme_id, LedgerAccount.Kind.RECEIVABLE, suffix)


def written_off_account(programme_id: int) -> LedgerAccount:
    """Receivables given up (two finance officers): kept so the book sums to the budget."""
    account, _ = LedgerAccount.objects.get_or_create(
        key=account_key(programme_id, LedgerAccount.Kind.WRITTEN_OFF),
        defaults={"programme_id": programme_id, "kind": LedgerAccount.Kind.WRITTEN_OFF},
    )
    return account


def payable_account(programme_id: int, entity_id: int) -> LedgerAccount:
    """What the programme owes the entity: its approved reimburse claims, not yet paid."""
    account, _ = LedgerAccount.objects.get_or_create(
        key=account_key(programme_id, LedgerAccount.Kind.PAYABLE, f"entity{entity_id}"),
        defaults={"programme_id": programme_id, "kind": LedgerAccount.Kind.PAYABLE},
    )
    return account


def payable_accounts(programme_id: int, entity_ids) -> dict[int, LedgerAccount]:
    """The entities' payable accounts (opened by their claims' approvals), by entity id."""
    keys = {
        account_key(programme_id, LedgerAccount.Kind.PAYABLE, f"entity{e}"): e for e in entity_ids
    }
    return {keys[a.key]: a for a in LedgerAccount.objects.filter(key__in=keys)}


def entity_paid_accounts(programme_id: int, entity_ids) -> dict[int, LedgerAccount]:
    """What the programme has paid each entity (its claims, payable -> paid), by entity
    id; the missing ones opened in one INSERT (a payment batch pays thousands at once)."""
    keys = {account_key(programme_id, LedgerAccount.Kind.PAID, f"entity{e}"): e for e in entity_ids}
    LedgerAccount.objects.bulk_create(
        [
            LedgerAccount(key=key, programme_id=programme_id, kind=LedgerAccount.Kind.PAID)
            for key in keys
        ],
        ignore_conflicts=True,
    )
    return {keys[a.key]: a for a in LedgerAccount.objects.filter(key__in=keys)}


def fund_programme(*, programme: Programme, by) -> None:
    """Open the programme's accounts and move its budget in from its funding sources."""
    available = LedgerAccount.objects.create(
        key=account_key(programme.pk, LedgerAccount.Kind.AVAILABLE),
        programme=programme,
        kind=LedgerAccount.Kind.AVAILABLE,
    )
    sources = list(programme.funding_sources.all()) or [
        FundingSource.objects.create(
            programme=programme, name_zh="财政资金", name_en="public funds", weight=1
        )
    ]
    amounts = split_by_weights(programme.total_budget, [s.weight for s in sources])
    for source, amount in zip(sources, amounts, strict=True):
        funding = LedgerAccount.objects.create(
            key=account_key(programme.pk, LedgerAccount.Kind.FUNDING, f"s{source.pk}"),
            programme=programme,
            kind=LedgerAccount.Kind.FUNDING,
            funding_source=source,
            allow_negative=True,
        )
        transfer(debit=funding, credit=available, amount=amount, kind=LedgerEntry.Kind.FUND, by=by)


def transfer(
    *,
    debit: LedgerAccount,
    credit: LedgerAccount,
    amount: Decimal,
    kind: str,
    by,
    voucher: Voucher | None = None,
    reference: str = "",
) -> LedgerEntry:
    """Move `amount` from `debit` to `credit`: the entry, the two cached balances, the
    voucher's figure the kind moves (kept current on `voucher` too) and the audit event.
    Call inside transaction.atomic(), holding the locks of the lock order."""
    entry = LedgerEntry.objects.create(
        programme_id=debit.programme_id,
        kind=kind,
        debit=debit,
        credit=credit,
        amount=amount,
        voucher=voucher,
        reference=reference,
        actor=by if getattr(by, "pk", None) else None,
    )
    try:
        _add(debit, -amount)
    except IntegrityError as exc:
        if NO_OVERDRAFT in str(exc):
            raise insufficient_funds(debit) from exc
        raise
    _add(credit, amount)
    if voucher is not None and kind in VOUCHER_FIGURE:
        field, sign = VOUCHER_FIGURE[kind]
        # ROUND keeps SQLite, which stores decimals as binary floats, on the exact fen.
        Voucher.objects.filter(pk=voucher.pk).update(**{field: Round(F(field) + sign * amount, 2)})
        setattr(voucher, field, getattr(voucher, field) + sign * amount)
    audit.record(
        actor=by,
        action=actions.LEDGER[kind],
        obj=entry,
        programme=entry.programme_id,
        after={"debit": debit.key, "credit": credit.key, "amount": amount, "reference": reference},
    )
    return entry


# The voucher figure each kind of entry moves, and which way.
VOUCHER_FIGURE = {
    LedgerEntry.Kind.REDEEM: ("redeemed", 1),
    LedgerEntry.Kind.TAKE_BACK: ("redeemed", -1),
    LedgerEntry.Kind.RELEASE: ("released", 1),
}


@dataclass(frozen=True)
class Move:
    """One amount for `post`: from the account `debit` to the account `credit` (ids)."""

    kind: str
    debit: int
    credit: int
    amount: Decimal
    programme_id: int
    voucher_id: int | None = None
    reference: str = ""


def post(moves: list[Move], *, by=None) -> list[LedgerEntry]:
    """Move many amounts at once (set-wise, for the pipelines): the entries in one
    INSERT, each account's balance once (its moves summed) in account-id order, each
    voucher's figures once, and the entries' audit events. Call inside
    transaction.atomic() holding the voucher rows; the accounts are locked here."""
    moves = [move for move in moves if move.amount != 0]
    if not moves:
        return []
    actor = by if getattr(by, "pk", None) else None
    # The accounts first: the entries' foreign keys take a share lock on them, and two
    # posts that each held that share lock and then asked for the row lock would
    # deadlock on each other.
    accounts = _lock_accounts(moves)
    change = _balance_changes(moves, accounts)
    entries = LedgerEntry.objects.bulk_create(
        LedgerEntry(
            programme_id=m.programme_id, kind=m.kind, debit_id=m.debit, credit_id=m.credit,
            amount=m.amount, voucher_id=m.voucher_id, reference=m.reference, actor=actor,
        )
        for m in moves
    )  # fmt: skip
    _move_balances(change)
    _move_vouchers(moves)
    keys = {account.pk: account.key for account in accounts}
    events = [
        audit.event(
            actor=by, action=actions.LEDGER[entry.kind], obj=entry, programme=entry.programme_id,
            after={"debit": keys[entry.debit_id], "credit": keys[entry.credit_id],
                   "amount": entry.amount, "reference": entry.reference},
        )
        for entry in entries
    ]  # fmt: skip
    for start in range(0, len(events), POST_CHUNK):
        audit.record_all(events[start : start + POST_CHUNK])
    return entries


# Rows per UPDATE or INSERT of `post`: a CASE of this many branches stays cheap and the
# parameters stay under SQLite's limit.
POST_CHUNK = 500


def _lock_accounts(moves: list[Move]) -> list[LedgerAccount]:
    """Lock every account the moves touch, in id order, so that two posts (or a post
    and a payment) never wait on each other in opposite orders. FOR NO KEY UPDATE: the
    balance is not a key, and other transactions' entries may still reference the rows."""
    ids = {move.debit for move in moves} | {move.credit for move in moves}
    accounts = LedgerAccount.objects.select_for_update(no_key=True).filter(pk__in=ids)
    return list(accounts.order_by("pk"))


def _balance_changes(moves: list[Move], accounts: list[LedgerAccount]) -> dict[int, Decimal]:
    """Each account's summed change; an overdraft is refused here, by the balances read
    under the lock, before anything is written (the check constraint stays behind it)."""
    change = defaultdict(Decimal)
    for move in moves:
        change[move.debit] -= move.amount
        change[move.credit] += move.amount
    for account in accounts:
        if not account.allow_negative and account.balance + change[account.pk] < 0:
            raise insufficient_funds(account)
    return change


def _move_balances(change: dict[int, Decimal]) -> None:
    """Apply the changes, in account-id order."""
    ids = sorted(pk for pk, amount in change.items() if amount != 0)
    for start in range(0, len(ids), POST_CHUNK):
        _add_each(
            LedgerAccount, "balance", {pk: change[pk] for pk in ids[start : start + POST_CHUNK]}
        )


def _move_vouchers(moves: list[Move]) -> None:
    """Move each voucher's redeemed and released by its moves' sums (rows the caller holds)."""
    change = {"redeemed": defaultdict(Decimal), "released": defaultdict(Decimal)}
    for move in moves:
        if move.voucher_id is not None and move.kind in VOUCHER_FIGURE:
            field, sign = VOUCHER_FIGURE[move.kind]
            change[field][move.voucher_id] += sign * move.amount
    for field, by_voucher in change.items():
        ids = sorted(pk for pk, amount in by_voucher.items() if amount != 0)
        for start in range(0, len(ids), POST_CHUNK):
            _add_each(
                Voucher, field, {pk: by_voucher[pk] for pk in ids[start : start + POST_CHUNK]}
            )


def _add_each(model, field: str, amounts: dict[int, Decimal]) -> None:
    """One UPDATE adding each row's own amount to `field`."""
    money = model._meta.get_field(field)
    each = Case(
        *(When(pk=pk, then=Value(amount, output_field=money)) for pk, amount in amounts.items()),
        output_field=money,
    )
    # ROUND keeps SQLite, which stores decimals as binary floats, on the exact fen.
    model.objects.filter(pk__in=list(amounts)).update(**{field: Round(F(field) + each, 2)})


def use_cap(usage: CapUsage | None, amount: Decimal) -> None:
    """Use `amount` of the entity's locked cap row (vouchers/services/caps.py locks it;
    nothing if the programme has no cap). The check constraint cap_used_within_limit
    stays behind this check as the last line of defence."""
    if usage is None:
        return
    if usage.used + amount > usage.limit:
        raise cap_exceeded()
    CapUsage.objects.filter(pk=usage.pk).update(used=Round(F("used") + amount, 2))
    usage.used += amount


def release_cap(*, programme: Programme, entity_id: int, amount: Decimal) -> None:
    """Give `amount` back to the entity's cap (a voucher closed with value unused)."""
    if programme.annual_cap is None or amount <= 0:
        return
    CapUsage.objects.filter(programme=programme, entity_id=entity_id).update(
        used=Round(F("used") - amount, 2)
    )


# The check constraint that refuses a debit taking an account other than a funding
# source below zero; the row lock the UPDATE takes serialises concurrent debits.
NO_OVERDRAFT = "account_no_overdraft"


def _add(account: LedgerAccount, amount: Decimal) -> None:
    # ROUND keeps SQLite, which stores decimals as binary floats, on the exact fen.
    LedgerAccount.objects.filter(pk=account.pk).update(balance=Round(F("balance") + amount, 2))
    account.balance += amount


def budget_exhausted() -> DomainError:
    return DomainError(
        "amount",
        "项目剩余预算不足",
        "the programme's remaining budget is too small",
        code="budget_exhausted",
    )


def insufficient_funds(account: LedgerAccount) -> DomainError:
    if account.kind == LedgerAccount.Kind.AVAILABLE:
        return budget_exhausted()
    return DomainError(
        "amount",
        "券余额不足",
        "the voucher's remaining value is too small",
        code="voucher_exhausted",
    )
