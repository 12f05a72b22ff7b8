"""Guarded lookups: every page of the government portal fetches through these.

An officer (programme manager, reviewer or finance officer of an authority) sees only
their own authorities' programmes and what hangs under them; anything else is a 404.
Nobody gets past `officer_view` without a second factor verified in this session."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import Membership
from authority.services.two_factor import is_enrolled
from vouchers.models import Application, Programme, Voucher


def officer_memberships(user) -> list:
    return list(
        Membership.objects.filter(user=user, role__in=Membership.AUTHORITY_ROLES)
        .select_related("authority")
        .order_by("pk")
    )


def officer_view(view):
    """Signed in, an officer (else 403), second factor verified (else to the two-factor
    page, then back). Sets `request.authority_ids` and `request.officer_roles`."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        memberships = officer_memberships(request.user)
        if not memberships:
            raise PermissionDenied
        if not request.user.is_verified():
            return _to_second_factor(request)
        request.authorities = list({m.authority_id: m.authority for m in memberships}.values())
        request.authority_ids = [authority.pk for authority in request.authorities]
        request.officer_roles = {m.role for m in memberships}
        return view(request, *args, **kwargs)

    return wrapper


def _to_second_factor(request):
    step = "authority:verify" if is_enrolled(request.user) else "authority:enrol"
    back = request.get_full_path() if request.method == "GET" else reverse("authority:home")
    url = f"{reverse(step)}?{urlencode({'next': back})}"
    if getattr(request, "htmx", False):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


def programmes_of(request):
    return Programme.objects.filter(authority_id__in=request.authority_ids)


def get_managed_programme(request, pk):
    """A programme of the officer's authorities (else 404) that they manage (else 403):
    the builder, the simulator and invitations are the programme manager's."""
    found = get_object_or_404(programmes_of(request).select_related("authority"), pk=pk)
    if not request.user.has_perm("vouchers.manage_programme", found):
        raise PermissionDenied
    return found


def managed_authority(request):
    """The first authority the officer manages programmes of (else 403): a new
    programme belongs to it."""
    for membership in officer_memberships(request.user):
        if membership.role == Membership.Role.PROGRAMME_MANAGER:
            return membership.authority
    raise PermissionDenied


def applications_of(request):
    return Application.objects.filter(programme__authority_id__in=request.authority_ids)


def vouchers_of(request):
    return Voucher.objects.filter(programme__authority_id__in=request.authority_ids)


def get_application_for_user(request, pk):
    related = ("programme", "entity", "contract", "contract__provider", "declaration", "decided_by")
    return get_object_or_404(applications_of(request).select_related(*related), pk=pk)


def get_voucher_for_user(request, pk):
    related = ("programme", "entity", "provider", "contract")
    return get_object_or_404(vouchers_of(request).select_related(*related), pk=pk)


def claims_of(request):
    from company.models import Claim

    return Claim.objects.filter(voucher__programme__authority_id__in=request.authority_ids)


def get_claim_for_user(request, pk):
    related = (
        "entity", "voucher", "voucher__programme", "voucher__contract", "voucher__provider",
        "filed_by", "decided_by",
    )  # fmt: skip
    return get_object_or_404(claims_of(request).select_related(*related), pk=pk)


def statements_of(request):
    from billing.models import Settlement

    return Settlement.objects.filter(programme__authority_id__in=request.authority_ids)


def get_statement_for_user(request, pk):
    related = ("programme", "provider", "approved_by")
    return get_object_or_404(statements_of(request).select_related(*related), pk=pk)


def get_declaration_for_user(request, pk):
    """A declaration is visible to an officer once its entity applied to their programmes."""
    from accounts.models import EntityDeclaration

    entities = applications_of(request).values("entity_id")
    return get_object_or_404(EntityDeclaration, pk=pk, entity_id__in=entities)


def get_programme_for_user(request, pk):
    return get_object_or_404(programmes_of(request), pk=pk)
