"""Guarded lookups: every portal page fetches through these, so one company never sees
another's rows (404) and a user who acts for no company never gets in."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from accounts.models import Membership
from company.models import Claim, Notification
from company.selectors import applications_of, open_programmes, vouchers_of


def acting_entity(user):
    """The entity the user acts for (their first entity-staff membership), or None."""
    membership = (
        Membership.objects.filter(user=user, role=Membership.Role.ENTITY_STAFF)
        .select_related("entity")
        .order_by("pk")
        .first()
    )
    return membership.entity if membership else None


def company_view(view):
    """Signed in (else the login page), acting for an entity (else: registration for a
    newcomer, 403 for authority or provider staff). Sets `request.entity`."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        entity = acting_entity(request.user)
        if entity is None:
            if Membership.objects.filter(user=request.user).exists():
                raise PermissionDenied
            return redirect("company:register")
        request.entity = entity
        return view(request, *args, **kwargs)

    return wrapper


def get_application_for_user(request, pk):
    return get_object_or_404(applications_of(request.entity), pk=pk)


def get_voucher_for_user(request, pk):
    return get_object_or_404(vouchers_of(request.entity), pk=pk)


def get_declaration_for_user(request, pk):
    return get_object_or_404(request.entity.declarations, pk=pk)


def get_claim_for_user(request, pk):
    return get_object_or_404(
        Claim.objects.select_related("voucher", "voucher__programme"), pk=pk, entity=request.entity
    )


def get_notification_for_user(request, pk):
    return get_object_or_404(Notification, pk=pk, user=request.user, entity=request.entity)


def get_open_programme(pk):
    """Programmes are public to applicants, but only while they take applications."""
    return get_object_or_404(open_programmes(), pk=pk)
