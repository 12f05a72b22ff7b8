"""Reads for the public board. Each function is one query, whatever the number of rows."""

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.shortcuts import get_object_or_404

from vouchers.models import Programme, Voucher
from vouchers.money import yuan

# An award stays on the board for as long as it stands; a revoked one no longer does.
PUBLIC_STATUSES = (
    Voucher.Status.PUBLIC_NOTICE,
    Voucher.Status.ACTIVE,
    Voucher.Status.EXHAUSTED,
    Voucher.Status.EXPIRED,
)
VISIBLE_PROGRAMMES = (Programme.Status.PUBLISHED, Programme.Status.CLOSED)
ZERO = Value(0, output_field=DecimalField(max_digits=16, decimal_places=2))


def public_programmes() -> QuerySet:
    return (
        Programme.objects.real().filter(status__in=VISIBLE_PROGRAMMES).select_related("authority")
    )


def public_programme(code: str) -> Programme:
    """The programme with this code if it is public; 404 for a draft or unknown code."""
    return get_object_or_404(public_programmes(), code=code)


def public_awards(programme) -> QuerySet:
    """The rows the board shows, with only the public columns loaded."""
    return (
        Voucher.objects.filter(programme=programme, status__in=PUBLIC_STATUSES)
        .select_related("entity", "provider")
        .only(
            "pk",
            "status",
            "face_value",
            "issued_at",
            "notice_ends_on",
            "entity__name",
            "entity__credit_code",
            "provider__name",
        )
        .order_by("-issued_at", "-pk")
    )


def _total(expression):
    # ROUND(..., 2) is a no-op on exact decimals; on SQLite, which sums decimals as binary
    # floats, it brings the total back to the fen (as the ledger's updates do).
    return Round(Coalesce(Sum(expression), ZERO), 2, output_field=ZERO.output_field)


def _committed():
    # What an award still holds or has spent: its face value less what went back to budget.
    return _total(F("face_value") - F("released"))


def summary(programme) -> dict:
    """Budget, committed, redeemed and the count of awards (one query)."""
    totals = Voucher.objects.filter(programme=programme, status__in=PUBLIC_STATUSES).aggregate(
        committed=_committed(),
        redeemed=_total(F("redeemed")),
        awards=Count("pk"),
        in_notice=Count("pk", filter=Q(status=Voucher.Status.PUBLIC_NOTICE)),
    )
    totals["committed"] = yuan(totals["committed"])
    totals["redeemed"] = yuan(totals["redeemed"])
    return {"budget": programme.total_budget, **totals}


def breakdown(programme, field: str) -> list[dict]:
    """Committed amount and count of awards per value of the declaration's `field`
    (registered_region or industry), largest first (one query)."""
    key = f"application__declaration__{field}"
    rows = (
        Voucher.objects.filter(programme=programme, status__in=PUBLIC_STATUSES)
        .values(key)
        .annotate(committed=_committed(), awards=Count("pk"))
        .order_by("-committed", key)
    )
    return [
        {"label": row[key], "committed": yuan(row["committed"]), "awards": row["awards"]}
        for row in rows
    ]
