"""Design overview.

A provider's billing system sends **UsageRecords** (by API batch or as a **UsageFile**).
A record is keyed by (provider, record_id): sent again with the same content it is a
duplicate and changes nothing; with other content it is a conflict and the original
stands.  A record may name the record it `corrects`; the correction adjusts the subsidy
and never edits the original.

Record states: pending -> redeemed | exception; exception -> redeemed (a reviewer
accepts it) | rejected (a reviewer rejects it) | pending (a correction whose original
arrived after it, reconciled again after its original).  A ReconciliationException moves
open -> accepted | rejected | superseded (django-fsm-2 transitions).  Reconciliation (billing/reconcile.py)
moves pending records, per voucher and in order of (period_start, record_id), from the
voucher's reserve to the programme's redeemed account of that provider; a record that
does not fit becomes a **ReconciliationException** with a reason code.

A **Settlement** is a monthly statement per provider and programme: draft -> approved
-> paid (django-fsm-2 transitions).  Each **SettlementLine** is one redeemed record (a record is on at most one
statement, a unique key); payment moves the statement's subsidy redeemed -> paid.

Invariants and where the database holds them:
- a record is counted at most once: unique (provider, record_id) of its **UsageKey**,
  which ingest inserts before the record (the usage table is partitioned by month on
  PostgreSQL, billing/partitions.py), and reconciliation only moves records that are
  still pending under their voucher's row lock;
- amount >= 0, subsidy of an original record >= 0: check constraints;
- a record is on one statement at most: unique SettlementLine.record;
- the voucher's own constraints (redeemed <= face value, reserve >= 0) guard the money.
"""

from billing.models.exceptions import ReconciliationException
from billing.models.prices import SkuPriceBucket
from billing.models.settlements import Settlement, SettlementLine
from billing.models.usage import SkuPrice, UsageFile, UsageKey, UsageRecord

__all__ = [
    "ReconciliationException",
    "Settlement",
    "SettlementLine",
    "SkuPrice",
    "SkuPriceBucket",
    "UsageFile",
    "UsageKey",
    "UsageRecord",
]
