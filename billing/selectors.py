"""Reads of billing data that pages share."""

from datetime import date

from django.db.models import Prefetch, QuerySet

from billing.models import Settlement, SettlementLine, UsageRecord
from vouchers.models import Voucher


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
