"""Reconciliation pipeline: pending usage records -> subsidies on vouchers, set-wise.

Per voucher, records are applied in order of (period_start, record_id), so the result
never depends on delivery order. A record fits if its contract is known and not
disputed, its voucher is neither revoked nor expired, its service days (Asia/Shanghai)
lie within the contract's period and the voucher's validity, the contract's billed total
stays within its value, and its unit price is not far above the provider's usual price
for the SKU. Its subsidy is rate x amount rounded DOWN to the fen, capped by what is left
on the voucher: with cum = the running sum of those shares and left = the voucher's
remainder before the run, subsidy = min(left, cum) - min(left, cum - share), one window
function pass. Money is computed in whole fen (exact on both backends), with the
expressions of vouchers/money_sql.py.

Work is claimed per voucher: `SELECT ... FOR UPDATE SKIP LOCKED` on a chunk of vouchers
with pending records, then one transaction moves the chunk: one statement classifies and
prices every pending record of those vouchers into a temporary table and one UPDATE
writes the records from it, corrections are applied (billing/corrections.py), and the
chunk's moves go to the ledger set-wise (billing/reconcile_ledger.py, ledger.post). Several workers
take different chunks; a crash rolls the chunk back and a re-run does it again, so the
records, redemptions and ledger come out the same. Lock order as everywhere: voucher
rows first; then ledger.post locks the accounts the chunk moves (its reserves and the
programme's redeemed accounts) in id order. A chunk with corrections takes those redeemed
accounts earlier, right after its vouchers (billing/corrections.py). Either way its
reserves belong to its own vouchers, which nobody else can hold, so where they fall in
the order makes no cycle with anyone.
"""

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from billing import corrections
from billing.models import UsageRecord
from billing.reconcile_ledger import post_run
from vouchers import money_sql
from vouchers.models import Voucher

CHUNK = 1000
# A record whose unit price is more than OUTLIER_FACTOR times the provider's median for
# the SKU is flagged, once the SKU has at least OUTLIER_MIN_SAMPLES priced records.
OUTLIER_FACTOR = 3
OUTLIER_MIN_SAMPLES = 5


@dataclass
class Outcome:
    runs: list[str] = field(default_factory=list)
    vouchers: int = 0
    records_redeemed: int = 0
    exceptions: int = 0
    subsidy: Decimal = Decimal("0.00")

    def as_dict(self) -> dict:
        return {
            "vouchers": self.vouchers,
            "redeemed": self.records_redeemed,
            "exceptions": self.exceptions,
            "subsidy": str(self.subsidy),
        }


def reconcile(*, chunk: int = CHUNK, programme_id: int | None = None) -> Outcome:
    """Reconcile every pending record, a chunk of vouchers per transaction; only the
    vouchers of `programme_id` if given (workers partitioned by programme)."""
    outcome = Outcome()
    refresh_sku_prices()
    # Each pass finds the vouchers with pending records, then claims them a chunk at a
    # time, skipping those another worker holds. A pass that claims nothing means what
    # is left (if anything) is in other workers' hands; records that arrive during a
    # pass are found by the next.
    claimed = True
    while claimed:
        waiting = _waiting_vouchers(programme_id)
        claimed = False
        for start in range(0, len(waiting), chunk):
            claimed |= _reconcile_chunk(waiting[start : start + chunk], outcome)
    with transaction.atomic():
        _flag_unmatched(outcome)
    return outcome


def _sql(template: str, **extra) -> str:
    return template.format(
        least=money_sql.least(),
        text_order=money_sql.text_order(),
        share=money_sql.share_fen("j.amount", "j.rate"),
        fen_value=money_sql.fen("j.value"),
        fen_left=money_sql.fen("(j.face_value - j.redeemed - j.released)"),
        fen_amount=money_sql.fen("j.amount"),
        fen_prior=money_sql.fen("COALESCE(j.billed, 0)"),
        subsidy=money_sql.yuan("r.subsidy_fen"),
        **extra,
    )


# The vouchers with pending records, found from the records, never by walking every
# voucher and looking into every month for each (a walk that grew with all the vouchers
# ever issued): the distinct contracts of the pending records, joined to their
# contracts and vouchers.
WAITING_VOUCHERS = """
SELECT v.id
FROM (SELECT DISTINCT provider_id, contract_key FROM billing_usagerecord
      WHERE status = 'pending') p
JOIN vouchers_contract c ON c.provider_id = p.provider_id AND c.number_key = p.contract_key
JOIN vouchers_voucher v ON v.contract_id = c.id
{scope}
ORDER BY v.id
"""
# The run finds pending records (here, in the claim and in the unmatched flag) through
# each month's pending-records index, never by reading every month through: statistics
# taken while everything was pending (a bulk load) make a scan of the whole table look
# cheaper. Disabling seq scans puts a huge cost on any left in the plan, which would
# also make PostgreSQL JIT-compile these short statements at its highest level: no JIT.
PENDING_BY_INDEX = {"enable_seqscan": "off", "jit": "off"}
# And no nested loops: statistics taken before the records came (none pending) let the
# planner loop over every voucher ever issued and go through the pending contracts
# again for each. Hashed, the search reads each of the three once.
WAITING_HASHED = {**PENDING_BY_INDEX, "enable_nestloop": "off"}


def _waiting_vouchers(programme_id: int | None) -> list[int]:
    scope, params = ("WHERE v.programme_id = %s", [programme_id]) if programme_id else ("", [])
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        planner_settings(cursor, WAITING_HASHED),
    ):
        cursor.execute(WAITING_VOUCHERS.format(scope=scope), params)
        return [row[0] for row in cursor.fetchall()]


def _claim(voucher_ids: list[int]) -> list[int]:
    """Lock those of `voucher_ids` that still have pending records (another worker may
    have done some since the search), skipping those another worker holds (PostgreSQL;
    SQLite has one writer at a time)."""
    # A pending record per voucher, looked up voucher by voucher. Not EXISTS: PostgreSQL
    # turns that into a join, which statistics from before the records came (none
    # pending) planned as reading every pending record at every claim. And the vouchers
    # by key (seq scans off), not by reading all the vouchers ever issued.
    pending = (
        UsageRecord.objects.filter(
            status=UsageRecord.Status.PENDING,
            provider_id=OuterRef("contract__provider_id"),
            contract_key=OuterRef("contract__number_key"),
        )
        .order_by()
        .values("pk")[:1]
    )
    claimed = (
        Voucher.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=voucher_ids)
        .annotate(a_pending_record=Subquery(pending))
        .filter(a_pending_record__isnull=False)
        .order_by("pk")
    )
    with connection.cursor() as cursor, planner_settings(cursor, PENDING_BY_INDEX):
        return list(claimed.values_list("pk", flat=True))


def _reconcile_chunk(candidates: list[int], outcome: Outcome) -> bool:
    """Reconcile those of `candidates` this worker can claim; whether it claimed any."""
    with transaction.atomic():
        voucher_ids = _claim(candidates)
        if not voucher_ids:
            return False
        run, now = uuid.uuid4().hex, timezone.now()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                _tune(cursor)
            bands = _apply_records(cursor, voucher_ids, run, now)
            corrections.apply(cursor, voucher_ids=voucher_ids, run=run, now=now)
            _open_exceptions(cursor, run, now, voucher_ids)
        posted = post_run(voucher_ids=voucher_ids, run=run)
        outcome.runs.append(run)
        # Vouchers whose records moved (a claimed voucher may have been done meanwhile).
        outcome.vouchers += posted.vouchers
        outcome.records_redeemed += posted.records
        outcome.exceptions += posted.exceptions
        outcome.subsidy += posted.subsidy
    _count_prices(bands)
    return True


# Every pending, non-correction record of the claimed vouchers, judged and priced in one
# statement, into a temporary table. `judged` gives the first reason that fails; one
# window pass over the records that fit (partitioned by voucher and by fitting, so the
# others count in no sum) gives, in order, the contract's running billed total (after
# what was already redeemed on it) and the running sum of shares. Amounts are >= 0, so
# the records within the contract's value are a prefix of each voucher's order, and the
# running sum of shares of a record in that prefix counts only records of the prefix:
# one pass serves both. No CTE is joined to another by record id: with a voucher's whole
# backlog in one chunk, a planner that guessed a few hundred rows for such a join picked
# a nested loop over the CTE, quadratic in the backlog (200,000 records ran for minutes).
PRICE_RECORDS = """
WITH prior AS (
    SELECT voucher_id, SUM(amount) AS billed FROM billing_usagerecord
    WHERE voucher_id IN ({vouchers}) AND status = 'redeemed' AND corrects = ''
    GROUP BY voucher_id
),
judged AS (
    SELECT r.id, r.received_at, r.amount, r.period_start, r.record_id, v.id AS voucher_id,
           r.provider_id, r.sku, r.quantity, r.start_date,
           c.value, v.rate, v.face_value, v.redeemed, v.released,
           p.billed,
           CASE
             WHEN c.provider_status = 'disputed' THEN 'disputed_contract'
             WHEN v.status = 'revoked' THEN 'voucher_revoked'
             WHEN v.status = 'expired' THEN 'voucher_expired'
             WHEN r.start_date < c.service_start OR r.end_date > c.service_end
               THEN 'outside_contract_period'
             WHEN r.end_date > v.expires_on THEN 'voucher_expired'
             WHEN r.start_date < v.valid_from THEN 'outside_voucher_validity'
             WHEN v.status = 'public_notice' THEN 'voucher_not_active'
             WHEN r.quantity > 0 AND s.samples >= {min_samples}
                  AND r.amount > s.median_unit_price * r.quantity * {factor}
               THEN 'unit_price_outlier'
           END AS reason
    FROM vouchers_voucher v
    LEFT JOIN prior p ON p.voucher_id = v.id
    JOIN vouchers_contract c ON c.id = v.contract_id
    JOIN billing_usagerecord r
      ON r.provider_id = c.provider_id AND r.contract_key = c.number_key
    LEFT JOIN billing_skuprice s ON s.provider_id = r.provider_id AND s.sku = r.sku
    WHERE v.id IN ({vouchers}) AND r.status = 'pending' AND r.corrects = ''
),
running AS (
    SELECT j.id, j.received_at, j.voucher_id, j.reason,
           j.provider_id, j.sku, j.quantity, j.amount, j.start_date,
           {fen_prior} + SUM({fen_amount}) OVER w AS billed_fen, {fen_value} AS value_fen,
           {share} AS share_fen, SUM({share}) OVER w AS cum_fen, {fen_left} AS left_fen
    FROM judged j
    WINDOW w AS (PARTITION BY j.voucher_id, j.reason IS NULL
                 ORDER BY j.period_start, j.record_id {text_order} ROWS UNBOUNDED PRECEDING)
)
SELECT id, received_at, voucher_id, provider_id, sku, quantity, amount, start_date,
       COALESCE(reason, CASE WHEN billed_fen > value_fen THEN 'contract_value_exceeded' END)
         AS reason,
       {least}(left_fen, cum_fen) - {least}(left_fen, cum_fen - share_fen) AS subsidy_fen
FROM running
"""
# Then each record by its primary key, from the table of outcomes (analysed on
# PostgreSQL first, so that the planner knows how many rows it holds). The key holds
# received_at, the month partition's key on PostgreSQL: each lookup goes to one month.
APPLY_RECORDS = """
UPDATE billing_usagerecord
SET status = CASE WHEN r.reason IS NULL THEN 'redeemed' ELSE 'exception' END,
    exception = r.reason,
    subsidy = CASE WHEN r.reason IS NULL THEN {subsidy} END,
    voucher_id = r.voucher_id,
    reconcile_run = %s,
    reconciled_at = %s
FROM reconcile_outcome r
WHERE billing_usagerecord.id = r.id AND billing_usagerecord.received_at = r.received_at
"""


def _tune(cursor) -> None:
    # The chunk's window sorts fit in memory instead of spilling to disk.
    cursor.execute("SET LOCAL work_mem = '64MB'")
    # No JIT compiling: the planner's cost of the apply (a lookup per record through
    # every month) grows with history past the JIT thresholds, and compiling it took
    # 0.1 s a chunk at 1M records and more at 10M, longer than the lookups themselves.
    cursor.execute("SET LOCAL jit = off")
    # A chunk need not wait for its WAL to reach the disk: if the server crashed before,
    # the whole chunk (records, ledger, audit) would be lost together, the records would
    # be pending again and the next run would redo it with the same result; a later
    # synchronous commit (any other write) flushes it first anyway.
    cursor.execute("SET LOCAL synchronous_commit = off")


def price_sql(marks: str) -> str:
    """PRICE_RECORDS for the vouchers `marks` stands for (a placeholder each, twice)."""
    return _sql(
        PRICE_RECORDS, vouchers=marks, min_samples=OUTLIER_MIN_SAMPLES, factor=OUTLIER_FACTOR
    )


# The pricing reads the chunk's records and its vouchers' history by index, never a
# month through: a month partition analysed while it was small (early in the month)
# would otherwise be read whole as it grows.
PRICE_BY_INDEX = {"enable_seqscan": "off"}
# How the apply runs on PostgreSQL. A lookup by primary key per outcome, never a hash of
# the whole usage table: with a chunk a large share of a small table the planner's costs
# favour the hash, a step that grows with all of history (and on the partitioned table
# reads every month) in every chunk, and a fresh ANALYZE mid-run may flip it either way.
# The outcomes are in id order, so the lookups walk the table forward.
APPLY_BY_KEY = {"enable_hashjoin": "off", "enable_mergejoin": "off"}


@contextmanager
def planner_settings(cursor, settings: dict[str, str]):
    """PostgreSQL: `settings` for the statements inside, then what they were before for
    the rest of the transaction (so a chunk's own settings, _tune's, survive). SQLite
    has no such settings: nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    names = list(settings)
    cursor.execute(f"SELECT {', '.join(['current_setting(%s)'] * len(names))}", names)
    before = dict(zip(names, cursor.fetchone(), strict=True))
    _set_local(cursor, settings)
    yield
    _set_local(cursor, before)


def _set_local(cursor, settings: dict[str, str]) -> None:
    # set_config(..., true) is SET LOCAL, with the values as parameters.
    calls = ", ".join(["set_config(%s, %s, true)"] * len(settings))
    cursor.execute(f"SELECT {calls}", [part for item in settings.items() for part in item])


def _apply_records(cursor, voucher_ids: list[int], run: str, now) -> list[tuple]:
    """Price and write the chunk's records; their unit-price bands (_count_prices)."""
    marks = ", ".join(["%s"] * len(voucher_ids))
    postgres = connection.vendor == "postgresql"
    on_commit = "ON COMMIT DROP" if postgres else ""
    create = (
        f"CREATE TEMPORARY TABLE reconcile_outcome {on_commit} AS {price_sql(marks)} ORDER BY id"
    )
    with planner_settings(cursor, PRICE_BY_INDEX):
        cursor.execute(create, [*voucher_ids, *voucher_ids])
    if postgres:
        cursor.execute("ANALYZE reconcile_outcome")
        # The records' voucher foreign key is checked as the apply writes it, not at
        # commit: at commit the check would run while the chunk holds the
        # programme's redeemed account, which every other worker's chunk of that
        # programme then waits for. Deferred again after it (every deferrable
        # constraint of the schema is a Django foreign key, INITIALLY DEFERRED).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with planner_settings(cursor, APPLY_BY_KEY):
        cursor.execute(_sql(APPLY_RECORDS), [run, _instant(now)])
    if postgres:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    month = MONTH.get(connection.vendor, MONTH_SQLITE)
    cursor.execute(PRICE_BANDS.format(month=month))
    bands = cursor.fetchall()
    # Dropped here too: inside an outer transaction (a test's) the commit is not yet.
    cursor.execute("DROP TABLE reconcile_outcome")
    return bands


def _instant(now):
    return connection.ops.adapt_datetimefield_value(now)


OPEN_EXCEPTIONS = """
INSERT INTO billing_reconciliationexception (record_id, reason, status, created_at, note)
SELECT id, exception, 'open', %s, '' FROM billing_usagerecord
WHERE reconcile_run = %s AND status = 'exception' {scope}
ON CONFLICT (record_id) DO UPDATE
SET status = 'open', reason = excluded.reason, created_at = excluded.created_at, decided_at = NULL
WHERE billing_reconciliationexception.status = 'superseded'
"""


def _open_exceptions(cursor, run: str, now, voucher_ids: list[int] | None) -> None:
    """One open exception per record that did not fit (a re-run adds none twice); a
    correction reconciled again after its original that still does not fit opens its
    superseded case again."""
    if voucher_ids:
        scope = f"AND voucher_id IN ({', '.join(['%s'] * len(voucher_ids))})"
        cursor.execute(OPEN_EXCEPTIONS.format(scope=scope), [_instant(now), run, *voucher_ids])
    else:
        cursor.execute(OPEN_EXCEPTIONS.format(scope="AND voucher_id IS NULL"), [_instant(now), run])


# Records whose contract is unknown, or has no voucher: nothing to apply them to.
FLAG_UNMATCHED = """
UPDATE billing_usagerecord
SET status = 'exception',
    exception = CASE WHEN EXISTS (
        SELECT 1 FROM vouchers_contract c
        WHERE c.provider_id = billing_usagerecord.provider_id
          AND c.number_key = billing_usagerecord.contract_key)
      THEN 'no_voucher' ELSE 'unknown_contract' END,
    reconcile_run = %s,
    reconciled_at = %s
WHERE status = 'pending' AND NOT EXISTS (
    SELECT 1 FROM vouchers_contract c JOIN vouchers_voucher v ON v.contract_id = c.id
    WHERE c.provider_id = billing_usagerecord.provider_id
      AND c.number_key = billing_usagerecord.contract_key)
"""


# Two workers finishing their runs at once would both update the same pending rows and
# the second would wait on the first's row locks (at national volume, past its lock
# timeout). So one worker flags at a time, under a transaction-level advisory lock; a
# worker that finds it taken skips the step, the holder covers the same rows.
FLAG_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('billing.reconcile.flag_unmatched'))"


def _flag_unmatched(outcome: Outcome) -> None:
    run, now = uuid.uuid4().hex, timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(FLAG_LOCK)
            if not cursor.fetchone()[0]:
                return
        with planner_settings(cursor, PENDING_BY_INDEX):
            cursor.execute(FLAG_UNMATCHED, [run, _instant(now)])
            outcome.exceptions += cursor.rowcount
        _open_exceptions(cursor, run, now, None)


# The provider's usual unit price per SKU, kept as it goes: each chunk's own records'
# unit prices are counted into 1%-wide bands per SKU and service month
# (billing/models/prices.py) from its table of outcomes, which holds them already (the
# usage table is not read again), and added after the chunk commits, in a short
# transaction of its own, so that workers touching the same bands wait milliseconds, not
# a chunk. Should a worker die between the chunk's commit and this count, that chunk's
# records are missing from the statistic: it stays a fair sample, and nothing else
# depends on it.
PRICE_BANDS = """
SELECT provider_id, sku, {month} AS month,
       CAST(FLOOR(LN(CAST(amount AS DOUBLE PRECISION) / quantity) / LN(1.01)) AS INTEGER) AS band,
       COUNT(*)
FROM reconcile_outcome WHERE quantity > 0 AND amount > 0
GROUP BY provider_id, sku, month, band
ORDER BY provider_id, sku, month, band
"""
COUNT_PRICES = """
INSERT INTO billing_skupricebucket (provider_id, sku, month, band, samples)
VALUES {values}
ON CONFLICT (provider_id, sku, month, band)
DO UPDATE SET samples = billing_skupricebucket.samples + excluded.samples
"""
MONTH = {"postgresql": "date_trunc('month', start_date)::date"}
MONTH_SQLITE = "date(start_date, 'start of month')"


# Band rows per INSERT: the parameters stay under SQLite's limit, the statements few.
BANDS_PER_INSERT = 1000


def _count_prices(bands: list[tuple]) -> None:
    # The bands come sorted, so every worker takes their rows in one order: no deadlock.
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(bands), BANDS_PER_INSERT):
            rows = bands[start : start + BANDS_PER_INSERT]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
            cursor.execute(COUNT_PRICES.format(values=values), [v for row in rows for v in row])


# At the start of a run, the usual price of each provider's SKU: the median of the
# bands of its last three service months that have any, read at the band's middle
# (so within 0.5% of the exact lower median of those records). A run reads these small rows
# only, never the usage table; a record is judged against the records reconciled
# before its run, so a batch of inflated prices cannot make itself the usual price.
REFRESH_SKU_PRICES = """
WITH recent AS (
    SELECT provider_id, sku, band, samples,
           DENSE_RANK() OVER (PARTITION BY provider_id, sku ORDER BY month DESC) AS age
    FROM billing_skupricebucket
),
bands AS (
    SELECT provider_id, sku, band, SUM(samples) AS n FROM recent WHERE age <= 3
    GROUP BY provider_id, sku, band
),
running AS (
    SELECT provider_id, sku, band,
           SUM(n) OVER (PARTITION BY provider_id, sku ORDER BY band ROWS UNBOUNDED PRECEDING)
             AS below,
           SUM(n) OVER (PARTITION BY provider_id, sku) AS total
    FROM bands
)
INSERT INTO billing_skuprice (provider_id, sku, median_unit_price, samples)
SELECT provider_id, sku, EXP((MIN(band) + 0.5) * LN(1.01)), MAX(total)
FROM running WHERE 2 * below >= total
GROUP BY provider_id, sku
ON CONFLICT (provider_id, sku) DO UPDATE
SET median_unit_price = excluded.median_unit_price, samples = excluded.samples
"""


def refresh_sku_prices() -> None:
    """Read the usual prices from the bands, when there is anything to judge."""
    if not UsageRecord.objects.filter(status=UsageRecord.Status.PENDING).exists():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REFRESH_SKU_PRICES)
