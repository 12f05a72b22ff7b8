"""Guarded lookups of the payments pages: a finance officer sees the batches of their own
authorities (another authority's batch is a 404); other officers are refused (403)."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import Authority, Membership
from authority.access import officer_view
from payments.models import PaymentBatch
from vouchers.models import Programme


def finance_view(view):
    """An officer with a second factor (officer_view), holding the finance-officer role."""

    @wraps(view)
    @officer_view
    def wrapper(request, *args, **kwargs):
        request.finance_authority_ids = list(
            Membership.objects.filter(
                user=request.user, role=Membership.Role.FINANCE_OFFICER
            ).values_list("authority_id", flat=True)
        )
        if not request.finance_authority_ids:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def batches_of(request):
    return PaymentBatch.objects.filter(authority_id__in=request.finance_authority_ids)


def programmes_of(request):
    return Programme.objects.filter(authority_id__in=request.finance_authority_ids)


def authorities_of(request):
    return Authority.objects.filter(pk__in=request.finance_authority_ids)


def get_batch_for_user(request, pk) -> PaymentBatch:
    related = ("authority", "prepared_by", "approved_by", "paid_by")
    return get_object_or_404(batches_of(request).select_related(*related), pk=pk)
