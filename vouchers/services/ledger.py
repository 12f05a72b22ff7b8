"""The double-entry ledger: accounts per programme and transfers between them.

A transfer inserts one append-only entry and moves two cached balances with `F()`
updates.  The debit side of an account that may not go negative is a *conditional*
UPDATE (`balance >= amount`): on PostgreSQL the row lock it takes serialises concurrent
debits, and a debit that would overdraw updates no row and fails the whole transaction.
The check constraint `account_no_overdraft` is the backstop behind it.
"""

from decimal import Decimal

from django.db.models import F, Sum

from config.errors import DomainError
from vouchers.models import FundingSource, LedgerAccount, LedgerEntry, Programme, Voucher
from vouchers.models.fields import sql_money
from vouchers.money import split_by_weights
from vouchers.services import audit


def account_key(programme_id: int, kind: str, suffix: str = "") -> str:
    return f"p{programme_id}:{kind}{':' + suffix if suffix else ''}"


def available_account(programme: Programme) -> LedgerAccount:
    return LedgerAccount.objects.get(key=account_key(programme.pk, LedgerAccount.Kind.AVAILABLE))


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
    audit_events: tuple = (),
) -> LedgerEntry:
    """Move `amount` from `debit` to `credit`. Call inside transaction.atomic()."""
    entry = record_entry(
        debit=debit,
        credit=credit,
        amount=amount,
        kind=kind,
        by=by,
        voucher=voucher,
        reference=reference,
        audit_events=audit_events,
    )
    apply_entry(entry)
    return entry


def record_entry(*, debit, credit, amount, kind, by, voucher=None, reference="", audit_events=()):
    """Insert the entry and its audit event (with any `audit_events` the caller has
    pending, in the same INSERT). Balances move only in `apply_entry`."""
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
    moved = audit.event(
        actor=by,
        action=f"ledger.{kind}",
        obj=entry,
        programme=debit.programme_id,
        after={"debit": debit.key, "credit": credit.key, "amount": amount, "reference": reference},
    )
    audit.record_all([*audit_events, moved])
    return entry


def apply_entry(entry: LedgerEntry) -> None:
    """Move the two cached balances. The debit goes last: for the programme's available
    account it is the hottest row, and the lock an UPDATE takes is held until commit,
    so it is taken as late as possible."""
    amount, debit = entry.amount, entry.debit
    LedgerAccount.objects.filter(pk=entry.credit_id).update(
        balance=sql_money(F("balance") + amount)
    )
    debited = LedgerAccount.objects.filter(pk=debit.pk)
    if not debit.allow_negative:
        debited = debited.filter(balance__gte=amount)
    if debited.update(balance=sql_money(F("balance") - amount)) != 1:
        raise insufficient_funds(debit)


def insufficient_funds(account: LedgerAccount) -> DomainError:
    if account.kind == LedgerAccount.Kind.AVAILABLE:
        return DomainError(
            "amount",
            "项目剩余预算不足",
            "the programme's remaining budget is too small",
            code="budget_exhausted",
        )
    return DomainError(
        "amount",
        "券余额不足",
        "the voucher's remaining value is too small",
        code="voucher_exhausted",
    )


def mismatched_balances(programme: Programme) -> list[str]:
    """Accounts whose cached balance differs from the sum of their entries (should be none)."""
    credits = dict(
        LedgerEntry.objects.filter(programme=programme)
        .values_list("credit")
        .annotate(s=Sum("amount"))
    )
    debits = dict(
        LedgerEntry.objects.filter(programme=programme)
        .values_list("debit")
        .annotate(s=Sum("amount"))
    )
    wrong = []
    for account in programme.accounts.all():
        expected = credits.get(account.pk, Decimal(0)) - debits.get(account.pk, Decimal(0))
        if account.balance != expected:
            wrong.append(f"{account.key}: cached {account.balance}, entries {expected}")
    return wrong
