"""Reads of billing data that pages share."""

from datetime import date

from django.db.models import QuerySet

from billing.models import UsageRecord
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
