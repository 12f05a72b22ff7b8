"""A reviewer ticks an application's warning as seen; an officer reveals a masked
personal value of a declaration. Both are audited by their services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from authority import warnings
from authority.access import get_application_for_user, get_declaration_for_user, officer_view
from authority.services.personal_data import REVEALABLE, reveal
from company.errors import localised
from config.errors import DomainError
from web.auth import recent_login_required


@officer_view
@require_POST
def warning_seen(request, pk, kind):
    found = get_application_for_user(request, pk)
    if not request.user.has_perm("vouchers.review_application", found):
        raise PermissionDenied
    try:
        warnings.mark_seen(application=found, kind=kind, by=request.user)
    except DomainError as refused:
        messages.error(request, localised(refused.message))
    else:
        messages.success(request, _("Warning ticked as seen."))
    return redirect("authority:application", pk=pk)


@officer_view
@recent_login_required
@require_POST
def personal_value(request, pk, field):
    declaration = get_declaration_for_user(request, pk)
    if field not in REVEALABLE:
        raise Http404
    value = reveal(declaration=declaration, field=field, by=request.user)
    template = "authority/personal_value.html" + ("#value" if request.htmx else "")
    return render(request, template, {"value": value, "declaration": declaration})
