"""Entity verification for officers: the self-registered entities waiting that apply to
the officer's authorities, each with its business licence (through the guarded file
view); verify, or refuse with a note the company sees, behind a re-entered password."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import Entity
from authority.access import officer_view
from authority.forms import ReasonForm
from authority.services.verification import awaiting, refuse_entity, verify_entity
from company.errors import pick
from company.views.common import posted, run_service
from config.errors import DomainError
from web.auth import recent_login_required
from web.files import serve_private


def _entity_for_user(request, pk) -> Entity:
    """An entity applying to one of the officer's authorities and still waiting; else 404."""
    return get_object_or_404(awaiting(authority_ids=request.authority_ids), pk=pk)


@officer_view
def waiting(request):
    entities = awaiting(authority_ids=request.authority_ids).order_by("pk")
    return render(request, "authority/verification.html", {"entities": entities})


@officer_view
def licence(request, pk):
    found = _entity_for_user(request, pk)
    return serve_private(request, found.business_licence, allowed=True)


@officer_view
@recent_login_required
def verify(request, pk):
    found = _entity_for_user(request, pk)
    if request.method == "POST":
        try:
            verify_entity(entity=found, by=request.user)
        except DomainError as refused:  # decided by another officer a moment ago
            messages.error(request, pick(refused.zh, refused.en))
        else:
            messages.success(request, _("Entity verified: it may submit applications now."))
    return redirect("authority:verification")


@officer_view
@recent_login_required
def refuse(request, pk):
    found = _entity_for_user(request, pk)
    form = ReasonForm(posted(request))
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        if run_service(form, lambda: refuse_entity(entity=found, by=request.user, reason=reason)):
            messages.success(request, _("Verification refused: the company sees your reason."))
            return redirect("authority:verification")
    entities = awaiting(authority_ids=request.authority_ids).order_by("pk")
    context = {"entities": entities, "form": form}
    return render(request, "authority/verification.html", context, status=400)
