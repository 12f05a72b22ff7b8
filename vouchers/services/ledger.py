"""The double-entry ledger: accounts per programme and transfers between them.

A transfer inserts one append-only entry and moves two cached balances in one UPDATE.
An account that may not go negative is guarded by the check constraint
`account_no_overdraft`: a debit that would overdraw it fails the statement and with it
the whole transaction, and on PostgreSQL the row lock the UPDATE takes serialises
concurrent debits.  The writes are plain SQL (see config/rows.py for why).
"""

from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Sum

from config import rows
from config.errors import DomainError
from vouchers.models import FundingSource, LedgerAccount, LedgerEntry, Programme, Voucher
from vouchers.money import split_by_weights
from vouchers.services import audit


def account_key(programme_id: int, kind: str, suffix: str = "") -> str:
    return f"p{programme_id}:{kind}{':' + suffix if suffix else ''}"


def available_key(programme: Programme) -> str:
    return account_key(programme.pk, LedgerAccount.Kind.AVAILABLE)


def available_account(programme: Programme) -> LedgerAccount:
    account = rows.get(LedgerAccount, key=available_key(programme))
    if account is None:
        raise never_funded(programme)
    return account


def never_funded(programme: Programme) -> LedgerAccount.DoesNotExist:
    return LedgerAccount.DoesNotExist(f"programme {programme.pk} was never funded: no accounts")


def open_reserve(voucher: Voucher) -> LedgerAccount:
    return rows.insert(
        LedgerAccount(
            key=account_key(voucher.programme_id, LedgerAccount.Kind.RESERVE, f"v{voucher.pk}"),
            programme_id=voucher.programme_id,
            kind=LedgerAccount.Kind.RESERVE,
            voucher=voucher,
        )
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
    """Move `amount` from `debit` to `credit`, with its audit event. Call inside
    transaction.atomic()."""
    entry = insert_entry(
        debit=debit,
        credit=credit,
        amount=amount,
        kind=kind,
        by=by,
        voucher=voucher,
        reference=reference,
    )
    audit.record_all([entry_event(entry, by)])
    apply_entry(entry)
    return entry


def insert_entry(*, debit, credit, amount, kind, by, voucher=None, reference=""):
    """Insert the entry; its audit event (`entry_event`) and the move of the balances
    (`applying`) are the caller's, as `transfer` and issuance.issue_voucher do."""
    return rows.insert(
        LedgerEntry(
            programme_id=debit.programme_id,
            kind=kind,
            debit=debit,
            credit=credit,
            amount=amount,
            voucher=voucher,
            reference=reference,
            actor=by if getattr(by, "pk", None) else None,
        )
    )


def entry_event(entry: LedgerEntry, by):
    """The audit event of a ledger movement."""
    return audit.event(
        actor=by,
        action=f"ledger.{entry.kind}",
        obj=entry,
        programme=entry.programme_id,
        after={
            "debit": entry.debit.key,
            "credit": entry.credit.key,
            "amount": entry.amount,
            "reference": entry.reference,
        },
    )


# Both balances in one statement. The check constraint NO_OVERDRAFT refuses a debit that
# would take an account other than a funding source below zero, and the row lock the
# UPDATE takes serialises concurrent debits. ROUND as in caps.reserving.
NO_OVERDRAFT = "account_no_overdraft"
APPLY_ENTRY = """
    UPDATE "vouchers_ledgeraccount"
    SET "balance" = ROUND(CASE WHEN "id" = %s THEN "balance" + %s ELSE "balance" - %s END, 2)
    WHERE "id" IN (%s, %s)
"""


def applying(entry: LedgerEntry) -> tuple[str, list]:
    """The statement that moves the entry's two cached balances; it fails on NO_OVERDRAFT
    if the debit would overdraw its account."""
    amount, credit = entry.amount, entry.credit_id
    return APPLY_ENTRY, [credit, amount, amount, credit, entry.debit_id]


def apply_entry(entry: LedgerEntry) -> None:
    """Move the two cached balances, or refuse if the debit would overdraw its account."""
    try:
        rows.execute(*applying(entry))
    except IntegrityError as exc:
        if NO_OVERDRAFT in str(exc):
            raise insufficient_funds(entry.debit) from exc
        raise


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
