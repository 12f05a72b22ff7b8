"""Second factor: enrol an authenticator (QR drawn here), verify a session with a code.

Open to any signed-in user (company and provider staff may enrol too); officers must,
since `officer_view` sends them here first."""

from urllib.parse import urlencode

import django_otp
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from authority.forms import EnrolForm, TokenForm
from authority.services import two_factor
from company.views.common import posted
from web.auth import safe_next


def _next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    return safe_next(request, candidate, fallback=reverse("home"))


def _verified(request, device) -> None:
    """Mark the session verified under a new session key: the raised privilege never
    rides on a key that was in use before the second factor."""
    request.session.cycle_key()
    django_otp.login(request, device)


def _refuse(form, outcome) -> None:
    if outcome.locked_until is not None:
        until = formats.time_format(timezone.localtime(outcome.locked_until), "H:i:s")
        form.add_error(
            "code", _("Too many wrong codes: try again after %(time)s.") % {"time": until}
        )
    else:
        form.add_error("code", _("That code is not valid. Check the time on your phone."))


@never_cache
@login_required
def verify(request):
    if not two_factor.is_enrolled(request.user):
        return redirect(f"{reverse('authority:enrol')}?{urlencode({'next': _next(request)})}")
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        outcome = two_factor.verify(user=request.user, token=form.cleaned_data["code"])
        if outcome.device is not None:
            _verified(request, outcome.device)
            return redirect(_next(request))
        _refuse(form, outcome)
    return render(request, "authority/verify.html", {"form": form, "next": _next(request)})


# The page holds the new key and, once confirmed, the backup codes: never kept by a cache.
@never_cache
@login_required
def enrol(request):
    """Replacing an enrolled authenticator needs it verified first in this session, so a
    stolen password alone cannot swap in the thief's phone."""
    user = request.user
    if two_factor.is_enrolled(user) and not user.is_verified():
        return redirect("authority:verify")
    device = two_factor.pending_device(user)
    form = EnrolForm(posted(request))
    if request.method == "POST" and form.is_valid():
        outcome, codes = two_factor.confirm_enrolment(user=user, token=form.cleaned_data["code"])
        if outcome.device is not None:
            _verified(request, outcome.device)
            context = {"codes": codes, "next": _next(request)}
            return render(request, "authority/backup_codes.html", context)
        _refuse(form, outcome)
    context = {
        "form": form,
        "qr": two_factor.qr_svg(device),
        "secret": two_factor.secret(device),
        "next": _next(request),
    }
    return render(request, "authority/enrol.html", context)
