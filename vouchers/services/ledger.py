"""The double-entry ledger: accounts per programme and transfers between them.

A transfer inserts one append-only entry and moves the two cached balances with
conditional UPDATEs. An account that may not go negative is guarded by the check
constraint `account_no_overdraft`: a debit that would overdraw it fails the statement and
with it the whole transaction.
"""

from decimal import Decimal

from django.db import IntegrityError
from django.db.models import F
from django.db.models.functions import Round

from audit import actions
from audit import services as audit
from config.errors import DomainError
from vouchers.models import FundingSource, LedgerAccount, LedgerEntry, Programme, Voucher
from vouchers.money import split_by_weights


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
    """Move `amount` from `debit` to `credit`: the entry, the two cached balances and the
    audit event. Call inside transaction.atomic(), holding the locks of the lock order."""
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
    audit.record(
        actor=by,
        action=actions.LEDGER[kind],
        obj=entry,
        programme=entry.programme_id,
        after={"debit": debit.key, "credit": credit.key, "amount": amount, "reference": reference},
    )
    return entry


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
