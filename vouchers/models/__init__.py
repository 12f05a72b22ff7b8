"""Design overview.

A **Programme** (one authority, one year, one budget) carries versioned **RuleSets**.
An entity files an **Application** for one **Contract**; it is judged by the rule
version it was filed under and keeps the evaluation trace.

Application states: draft -> submitted -> approved | rejected | returned (-> submitted);
draft, submitted or returned -> withdrawn.
Voucher states: public_notice -> active -> exhausted; public_notice or active -> expired
or revoked (both release the unused value).

Money lives in a double-entry ledger (`LedgerAccount`, append-only `LedgerEntry`), one
book per programme: funding -> available -> voucher reserve (committed) -> redeemed
(per provider) -> paid, and reserve -> available again on expiry or revocation.  All
balances of a programme sum to zero, so available + reserves + redeemed + paid equals
the budget.  The per-entity annual cap is a limit row (`CapUsage`), not money.

Invariants and where the database holds them:
- available >= 0 and reserve >= 0: check constraint on LedgerAccount (a debit that
  would overdraw fails, and its transaction with it), so budget is never overcommitted;
- voucher redeemed + released <= face value: check constraint on Voucher;
- cap used <= limit: check constraint on CapUsage;
- one subsidy per contract: partial unique index on live applications and a unique
  contract on Voucher;
- ledger entries, rule-set versions, entity declarations and audit events are
  append-only (ORM guard; triggers on SQLite and PostgreSQL).
Lock order, everywhere: application or voucher row (an approval then its contract's
row), then the entity's cap row, then the programme's available account (the hot row, locked last so it is held for the shortest
time).  A voucher's reserve is touched only under its voucher's row lock, or created in
the same transaction.
"""

from vouchers.models.applications import Application
from vouchers.models.approvals import FirstApproval
from vouchers.models.contracts import Contract
from vouchers.models.dishonesty import DishonestyList, DishonestyListing
from vouchers.models.ledger import CapUsage, LedgerAccount, LedgerEntry
from vouchers.models.objections import Objection
from vouchers.models.programmes import FundingSource, Programme, RuleSet
from vouchers.models.voucher import Voucher

__all__ = [
    "Application",
    "FirstApproval",
    "CapUsage",
    "Contract",
    "DishonestyList",
    "DishonestyListing",
    "FundingSource",
    "LedgerAccount",
    "LedgerEntry",
    "Objection",
    "Programme",
    "RuleSet",
    "Voucher",
]
