"""Reads of billing data that pages share."""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum

from billing.models import Settlement, SettlementLine, UsageRecord
from vouchers.models import Voucher
from vouchers.money import from_db


def usage_for_voucher(*, voucher: Voucher, start: date, end: date) -> QuerySet[UsageRecord]:
    """The provider's usage records on the voucher's contract, reconciled or not, whose service days overlap
    [start, end] (Asia/Shanghai dates), in service order: what a reimburse claim for that
    period is checked against."""
    return UsageRecord.objects.filter(
        provider_id=voucher.provider_id,
        # By the number's key, so records not yet reconciled (no contract link) count too.
        contract_key=voucher.contract.number_key,
        start_date__lte=end,
        end_date__gte=start,
    ).order_by("period_start", "record_id")


def statements_of(provider) -> QuerySet[Settlement]:
    """The provider's statements, newest period first, each with its programme and its
    lines (with their records and vouchers) in three queries whatever their number: what
    the API's statements and the provider portal read."""
    lines = SettlementLine.objects.select_related("record__voucher").order_by("pk")
    return (
        Settlement.objects.filter(provider=provider)
        .select_related("programme")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-period", "pk")
    )


def statement_by_voucher(*, settlement: Settlement) -> list[dict]:
    """The statement as presented: a line per voucher (code order) with its records, what
    they billed, the corrections' changes to that bill, and the subsidy (corrections
    included). Summed over the lines: billed + corrections is the statement's total
    billed, subsidy its total subsidy. One grouped query, whatever the number of records."""
    original = Q(record__corrects="")
    rows = (
        SettlementLine.objects.filter(settlement=settlement)
        .annotate(
            voucher_code=F("record__voucher__code"),
            contract_number=F("record__voucher__contract__number"),
            entity=F("record__voucher__entity__name"),
        )
        .values("voucher_code", "contract_number", "entity")
        .annotate(
            records=Count("pk"),
            billed_sum=Sum("billed", filter=original),
            corrections_sum=Sum("billed", filter=~original),
            subsidy_sum=Sum("subsidy"),
        )
        .order_by("voucher_code")
    )
    # SQLite sums money as binary floats: each sum is read back to the fen.
    money = ("billed", "corrections", "subsidy")
    return [
        {
            **{key: value for key, value in row.items() if not key.endswith("_sum")},
            **{name: from_db(row[f"{name}_sum"]) for name in money},
        }
        for row in rows
    ]


def line_totals(lines: list[dict]) -> dict:
    """The by-voucher lines' billed and corrections summed (exact: two-place Decimals)."""
    return {
        name: sum((line[name] for line in lines), Decimal("0.00"))
        for name in ("billed", "corrections")
    }


STATEMENT_COLUMNS = (
    "programme", "provider", "period", "status", "voucher", "contract_number", "entity",
    "records", "billed", "corrections", "subsidy",
)  # fmt: skip


def statement_rows(*, settlement: Settlement, lines: list[dict]) -> Iterator[dict]:
    """The statement's lines by voucher as rows of its CSV and XLSX (both portals)."""
    head = {
        "programme": settlement.programme.code,
        "provider": settlement.provider.name,
        "period": settlement.period,
        "status": settlement.status,
    }
    for line in lines:
        yield {
            **head,
            "voucher": line["voucher_code"],
            "contract_number": line["contract_number"],
            "entity": line["entity"],
            "records": line["records"],
            **{name: f"{line[name]:.2f}" for name in ("billed", "corrections", "subsidy")},
        }
    if settlement.offset:
        # The claw-back offset taken at approval (recovery/), so that the subsidy column
        # sums to what is paid.
        yield {
            **head, "voucher": "", "contract_number": "", "entity": "追回抵扣 / claw-back offset",
            "records": "", "billed": "", "corrections": "", "subsidy": f"{-settlement.offset:.2f}",
        }  # fmt: skip


def paid_at(settlement: Settlement) -> datetime | None:
    """When the payment was recorded (its step in the approvals trail), if it was."""
    step = next((s for s in settlement.approvals if s.get("step") == "pay"), None)
    return datetime.fromisoformat(step["at"]) if step else None


def payment_of(*, settlement: Settlement) -> dict:
    """What the statement pays: its subsidy less the claw-back offset taken when it was
    approved, and, once its payment batch paid it, the bank reference and day."""
    line = (
        settlement.payment_lines.filter(live=True)
        .exclude(bank_reference="")
        .values("bank_reference", "paid_on")
        .first()
    )
    return {
        "offset": settlement.offset,
        "net": settlement.total_subsidy - settlement.offset,
        "reference": line["bank_reference"] if line else "",
        "paid_on": line["paid_on"] if line else None,
    }


def statement_page(settlement: Settlement) -> dict:
    """What both portals' statement pages show: the lines by voucher, their totals, and
    the payment (its offset, bank reference and date when paid)."""
    lines = statement_by_voucher(settlement=settlement)
    return {
        "statement": settlement,
        "lines": lines,
        "totals": line_totals(lines),
        "paid_at": paid_at(settlement),
        "payment": payment_of(settlement=settlement),
    }
