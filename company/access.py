"""Guarded lookups: every portal page fetches through these, so one company never sees
another's rows (404) and a user who acts for no company never gets in."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from accounts.models import Membership
from company.models import Claim, Notification
from company.selectors import applications_of, open_programmes, vouchers_of

# The session key of the entity a user with several chose to act for.
CHOSEN_ENTITY = "company_entity"


def entities_of(user) -> list:
    """The entities the user acts for (entity-staff memberships), oldest first."""
    memberships = (
        Membership.objects.filter(user=user, role=Membership.Role.ENTITY_STAFF)
        .select_related("entity")
        .order_by("pk")
    )
    return [membership.entity for membership in memberships]


def acting_entity(user):
    """The user's first entity, or None if they act for none."""
    return _pick(entities_of(user), None)


def _pick(entities: list, chosen):
    """The entity with id `chosen` if the user still acts for it, else their first."""
    return next((e for e in entities if e.pk == chosen), entities[0] if entities else None)


def company_view(view):
    """Signed in (else the login page), acting for an entity (else: registration for a
    newcomer, 403 for authority or provider staff). Sets `request.entity`, and
    `request.entities` (all the user's, for the switcher) from one query."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        entities = entities_of(request.user)
        if not entities:
            if Membership.objects.filter(user=request.user).exists():
                raise PermissionDenied
            return redirect("company:register")
        request.entities = entities
        request.entity = _pick(entities, request.session.get(CHOSEN_ENTITY))
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
