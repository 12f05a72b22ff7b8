"""Settlement statements (兑付): per provider and programme, one per settlement period of
the programme (`Programme.settlement_period`): a month ("2024-06") or a quarter
("2024-Q3", Qingyang settles quarterly).

`build_settlements` (a pipeline: lines are inserted set-wise) puts every redeemed record
served before the end of `period` that is on no statement yet onto the provider's draft
statement of each programme settled by periods of that kind; a record of a period whose
statement is already approved or paid (a late record, a correction) so lands on the next
open one. `build_ended_settlements` builds, for every programme, the period that ended
with last month (beat runs it on the 2nd). A line traces to its usage record (unique: a
record is on one statement at most), and a statement's total subsidy is the sum of its
records' subsidies, which are the amounts the ledger moved to the provider's redeemed
account. A correction's line shows, as billed, its change to what was billed
(`billed_change`), so a period's total billed is what the provider billed after the
corrections it sent.

Approval by a reviewer or finance officer of the programme's authority; payment only
through a payment batch (payments/), approved by a finance officer who did not approve
the statement (four-eyes, also a check constraint), which moves the money redeemed ->
paid in the ledger.
"""

import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.utils import timezone

from accounts.permissions import require
from audit import actions
from audit import services as audit
from billing.models import Settlement, UsageRecord
from config.errors import DomainError
from recovery import services as recovery
from vouchers import money_sql
from vouchers.models import Programme

Kind = Programme.SettlementPeriod
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Period:
    """A settlement period: its key as stored on the statement, the kind of programme it
    settles, and its days [start, end)."""

    key: str
    kind: str
    start: date
    end: date


def parse_period(key: str) -> Period:
    """ "YYYY-MM" (a month) or "YYYY-Qn" (a quarter), or the field's bilingual error."""
    if match := MONTH.match(key or ""):
        start = date(int(match[1]), int(match[2]), 1)
        return Period(key, Kind.MONTHLY, start, start + relativedelta(months=1))
    if match := QUARTER.match(key or ""):
        start = date(int(match[1]), 3 * int(match[2]) - 2, 1)
        return Period(key, Kind.QUARTERLY, start, start + relativedelta(months=3))
    raise DomainError(
        "period", "结算期须为 YYYY-MM（月）或 YYYY-Qn（季度）",
        "period must be YYYY-MM (a month) or YYYY-Qn (a quarter)", code="invalid_period",
    )  # fmt: skip


def period_of(day: date, kind: str) -> str:
    """The key of the period of `kind` that holds `day`."""
    if kind == Kind.QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return day.strftime("%Y-%m")


def ended_periods(today: date) -> list[str]:
    """The periods, of every kind, that ended with the month before `today`'s: every
    month's, and a quarter's only in the month after it."""
    this_month = today.replace(day=1)
    last_day = this_month - relativedelta(days=1)
    keys = [period_of(last_day, kind) for kind in Kind.values]
    return [key for key in keys if parse_period(key).end == this_month]


# The lines in the order their records were received (a statement reads in that order),
# whatever order the planner scans them in.
ADD_LINES = """
INSERT INTO billing_settlementline (settlement_id, record_id, billed, subsidy)
SELECT s.id, r.id, CASE WHEN r.corrects = '' THEN r.amount ELSE COALESCE(r.billed_change, 0) END,
       r.subsidy
FROM billing_usagerecord r
JOIN vouchers_voucher v ON v.id = r.voucher_id
JOIN billing_settlement s
  ON s.provider_id = r.provider_id AND s.programme_id = v.programme_id
 AND s.period = %s AND s.status = 'draft'
WHERE r.status = 'redeemed' AND r.start_date < %s
  AND NOT EXISTS (SELECT 1 FROM billing_settlementline l WHERE l.record_id = r.id)
ORDER BY r.id
ON CONFLICT (record_id) DO NOTHING
"""
TOTALS = """
UPDATE billing_settlement SET
  total_billed = COALESCE((SELECT {billed} FROM billing_settlementline l
                           WHERE l.settlement_id = billing_settlement.id), 0),
  total_subsidy = COALESCE((SELECT {subsidy} FROM billing_settlementline l
                            WHERE l.settlement_id = billing_settlement.id), 0),
  updated_at = %s
WHERE period = %s AND status = 'draft'
"""


def build_settlements(*, period: str) -> dict:
    """Build or top up the draft statements of `period` for the programmes settled by
    periods of its kind (monthly or quarterly). Idempotent."""
    found = parse_period(period)
    unsettled = UsageRecord.objects.filter(
        status=UsageRecord.Status.REDEEMED,
        start_date__lt=found.end,
        settlement_line__isnull=True,
        voucher__programme__settlement_period=found.kind,
    )
    owners = set(unsettled.values_list("provider_id", "voucher__programme_id").distinct())
    with transaction.atomic():
        for provider_id, programme_id in sorted(owners):
            Settlement.objects.get_or_create(
                provider_id=provider_id, programme_id=programme_id, period=period
            )
        with connection.cursor() as cursor:
            cursor.execute(ADD_LINES, [period, connection.ops.adapt_datefield_value(found.end)])
            added = cursor.rowcount
            totals = TOTALS.format(
                billed=money_sql.to_fen("SUM(billed)"), subsidy=money_sql.to_fen("SUM(subsidy)")
            )
            cursor.execute(
                totals, [connection.ops.adapt_datetimefield_value(timezone.now()), period]
            )
        drafts = Settlement.objects.filter(period=period, status=Settlement.Status.DRAFT)
        for settlement in drafts.order_by("pk"):
            audit.record(
                actor=None, action=actions.SETTLEMENT_BUILD, obj=settlement,
                programme=settlement.programme_id,
                after={"period": period, "total_billed": settlement.total_billed,
                       "total_subsidy": settlement.total_subsidy},
            )  # fmt: skip
    return {"period": period, "settlements": drafts.count(), "lines_added": added}


def build_ended_settlements(*, today: date | None = None) -> list[dict]:
    """Every programme's statements of the period that ended with last month: beat's
    monthly run (the 2nd), and the management command without a period."""
    today = today or timezone.localdate()
    return [build_settlements(period=key) for key in ended_periods(today)]


def _locked(settlement: Settlement, status: str) -> Settlement:
    # The statement's row only (`of`): a FOR UPDATE of the programme row would deadlock
    # with any money move of the programme, whose ledger entries' (deferred) foreign keys
    # take a key-share lock on it at commit (e.g. a claw-back repayment, recovery/).
    rows = Settlement.objects.select_for_update(of=("self",)).select_related("programme")
    settlement = rows.get(pk=settlement.pk)
    if settlement.status != status:
        raise DomainError(
            "status", f"结算单状态为 {settlement.status}", f"the statement is {settlement.status}, not {status}",
            code="bad_state",
        )  # fmt: skip
    return settlement


def _note_step(settlement: Settlement, by, step: str, before: str) -> None:
    settlement.approvals = [
        *settlement.approvals,
        {"by": by.pk, "step": step, "at": timezone.now().isoformat()},
    ]
    audit.record(
        actor=by, action=actions.SETTLEMENT_BY_STEP[step], obj=settlement, programme=settlement.programme_id,
        before={"status": before}, after={"status": settlement.status, "total_subsidy": settlement.total_subsidy},
    )  # fmt: skip


def approve_settlement(*, settlement: Settlement, by) -> Settlement:
    require(by, "billing.approve_settlement", settlement)
    with transaction.atomic():
        settlement = _locked(settlement, Settlement.Status.DRAFT)
        settlement.approve()
        settlement.approved_by = by
        # The provider's claw-back receivable, if any, is recovered from this statement.
        settlement.offset = recovery.offset_statement(settlement, by)
        _note_step(settlement, by, "approve", Settlement.Status.DRAFT)
        settlement.save(
            update_fields=["status", "approved_by", "offset", "approvals", "updated_at"]
        )
    return settlement


def pay_settlement(*, settlement: Settlement, by, batch) -> Settlement:
    """Record the payment: a second officer, not the approver (four-eyes).

    Only a payment batch pays a statement (payments/services/batches.py): the batch,
    holding this statement's row lock, has already moved its net amount redeemed -> paid
    with its other lines, and its approver is the second officer."""
    require(by, "billing.pay_settlement", settlement)
    second = batch.approved_by_id
    with transaction.atomic():
        settlement = _locked(settlement, Settlement.Status.APPROVED)
        if settlement.approved_by_id == second:
            raise DomainError(
                "paid_by", "付款须由审核人以外的另一名财务人员确认",
                "a payment needs a second officer, not the one who approved it", code="four_eyes",
            )  # fmt: skip
        if settlement.total_subsidy < 0:
            raise DomainError(
                "total_subsidy", "结算金额为负，不能付款", "a negative statement cannot be paid",
                code="negative_total",
            )  # fmt: skip
        settlement.pay()
        settlement.paid_by_id = second
        _note_step(settlement, by, "pay", Settlement.Status.APPROVED)
        settlement.save(update_fields=["status", "paid_by", "approvals", "updated_at"])
    return settlement
