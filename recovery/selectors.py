"""Reads of the claw-back pages and the authority's overview (helper V's dashboard reads
`outstanding_receivables`)."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from billing.models import ReconciliationException
from recovery.models import Finding, Recovery, WriteOff
from vouchers.models import LedgerAccount
from vouchers.money import from_db

MONEY = DecimalField(max_digits=15, decimal_places=2)


def _authority_ids(authority) -> list[int]:
    """An authority, its id, or a list of ids (a request's `authority_ids`)."""
    if isinstance(authority, list | tuple | set):
        return list(authority)
    return [getattr(authority, "pk", authority)]


def receivables_of(authority):
    return LedgerAccount.objects.filter(
        kind=LedgerAccount.Kind.RECEIVABLE, programme__authority_id__in=_authority_ids(authority)
    )


def outstanding_receivables(authority) -> Decimal:
    """What the authority's payees owe its programmes back, in yuan."""
    total = receivables_of(authority).aggregate(total=Sum("balance"))["total"]
    return from_db(total)


def _summed(model, field: str = "amount"):
    rows = model.objects.filter(receivable=OuterRef("pk")).values("receivable")
    return Coalesce(Subquery(rows.annotate(s=Sum(field)).values("s")), 0, output_field=MONEY)


def receivable_rows(authority):
    """Each receivable with its payee, what was found and what is outstanding, largest
    outstanding first (one query)."""
    entity = Finding.objects.filter(receivable=OuterRef("pk"), entity__isnull=False)
    return (
        receivables_of(authority)
        .select_related("programme", "provider")
        .annotate(
            found=_summed(Finding),
            recovered=_summed(Recovery),
            entity_name=Subquery(entity.values("entity__name")[:1]),
        )
        .order_by("-balance", "pk")
    )


def findings_of(authority):
    return Finding.objects.filter(
        programme__authority_id__in=_authority_ids(authority)
    ).select_related("programme", "provider", "entity", "recorded_by", "record", "claim")


def waiting_write_offs(authority):
    return WriteOff.objects.filter(
        receivable__programme__authority_id__in=_authority_ids(authority), confirmed_by=None
    ).select_related("receivable", "requested_by")


def open_clawback_cases(authority):
    """`clawback_needed` exceptions of the authority's programmes still open."""
    return ReconciliationException.objects.filter(
        reason=ReconciliationException.Reason.CLAWBACK_NEEDED,
        status=ReconciliationException.Status.OPEN,
        record__voucher__programme__authority_id__in=_authority_ids(authority),
    ).select_related("record", "record__provider", "record__voucher")
