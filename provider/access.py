"""Guarded lookups: every page of the provider portal fetches through these.

Provider staff see only their own provider's keys, contracts, usage files, exceptions
and statements; another provider's object is a 404, and a user who is not provider
staff is refused (403) before any lookup."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from api.models import ApiKey
from billing.models import ReconciliationException, Settlement, UsageFile
from billing.selectors import statements_of
from vouchers.models import Contract


def provider_of(user):
    """The provider the user acts for (their first provider-staff membership), or None."""
    membership = (
        Membership.objects.filter(user=user, role=Membership.Role.PROVIDER_STAFF)
        .select_related("provider")
        .order_by("pk")
        .first()
    )
    return membership.provider if membership else None


def provider_view(view):
    """Signed in (else the login page), provider staff (else 403). Sets `request.provider`."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        request.provider = provider_of(request.user)
        if request.provider is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def contracts_of(request):
    return Contract.objects.filter(provider=request.provider)


def usage_files_of(request):
    return UsageFile.objects.filter(provider=request.provider)


def exceptions_of(request):
    return ReconciliationException.objects.filter(record__provider=request.provider)


def get_key_for_user(request, pk) -> ApiKey:
    return get_object_or_404(
        ApiKey.objects.select_related("provider"), pk=pk, provider=request.provider
    )


def get_contract_for_user(request, pk) -> Contract:
    return get_object_or_404(contracts_of(request).select_related("entity", "provider"), pk=pk)


def get_usage_file_for_user(request, pk) -> UsageFile:
    return get_object_or_404(usage_files_of(request), pk=pk)


def get_statement_for_user(request, pk) -> Settlement:
    related = ("programme", "provider")
    return get_object_or_404(
        Settlement.objects.filter(provider=request.provider).select_related(*related), pk=pk
    )


def get_statement_with_records_for_user(request, pk) -> Settlement:
    """With every line's record and voucher: the records CSV, which is the API's."""
    return get_object_or_404(statements_of(request.provider), pk=pk)
