"""API keys (list, create shown once, revoke; two live keys for a rotation; test keys for
the sandbox, api/services/sandbox.py, with its vouchers listed) and the
request-signing secret (switch, rotate shown once). Every action goes through
api/services/keys.py, which checks `api.manage_keys` and audits; the page asks for the
password again first."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.models import LIVE_KEYS_PER_PROVIDER, ApiKey, SigningSettings
from api.services import keys as key_service
from api.services import sandbox
from company.errors import pick
from company.views.common import run_service
from config.errors import DomainError
from provider.access import get_key_for_user, provider_view
from provider.forms import KeyForm, SigningForm
from provider.views.common import shown_once
from web.auth import recent_login_required

TEST = "test"


def _context(request, key_form=None, test_form=None) -> dict:
    rows = ApiKey.objects.filter(provider=request.provider).order_by("revoked_at", "-pk")
    signing = SigningSettings.objects.filter(provider=request.provider).first()
    live = sum(1 for key in rows if key.is_live and not key.is_test)
    live_test = sum(1 for key in rows if key.is_live and key.is_test)
    return {
        "keys": rows,
        "live": live,
        "can_create": live < LIVE_KEYS_PER_PROVIDER,
        "can_create_test": live_test < LIVE_KEYS_PER_PROVIDER,
        "max_live": LIVE_KEYS_PER_PROVIDER,
        "key_form": key_form or KeyForm(),
        "test_form": test_form or KeyForm(prefix=TEST),
        "sandbox_vouchers": sandbox.sandbox_vouchers(request.provider),
        "signing": signing,
        "signing_form": SigningForm(
            initial={"required": bool(signing and signing.signing_required)}
        ),
    }


@provider_view
def keys(request):
    return render(request, "provider/keys.html", _context(request))


@provider_view
@recent_login_required
@require_POST
def create(request):
    """A live key, or with `kind=test` a test key for the sandbox (made with the first)."""
    test = request.POST.get("kind") == TEST
    form = KeyForm(request.POST, prefix=TEST if test else None)
    if form.is_valid():
        name = form.cleaned_data["name"]
        made = run_service(
            form,
            lambda: key_service.create_key(
                provider=request.provider, by=request.user, name=name, test=test
            ),
        )
        if made:
            key, raw = made
            context = {"key": key, "secret": raw}
            if test:
                context["sandbox_vouchers"] = sandbox.sandbox_vouchers(request.provider)
            return shown_once(request, "provider/secret_shown.html", context)
    forms = {"test_form": form} if test else {"key_form": form}
    return render(request, "provider/keys.html", _context(request, **forms), status=400)


@provider_view
@recent_login_required
@require_POST
def revoke(request, pk):
    key = get_key_for_user(request, pk)
    key_service.revoke_key(key=key, by=request.user)
    messages.success(
        request,
        _("Key %(prefix)s… revoked: requests with it are refused from now on.")
        % {"prefix": key.prefix},
    )
    return redirect("provider:keys")


@provider_view
@recent_login_required
@require_POST
def signing(request):
    form = SigningForm(request.POST)
    form.is_valid()  # a checkbox: absent means off, nothing else can be wrong
    required = form.cleaned_data.get("required", False)
    _settings, secret = key_service.set_signing(
        provider=request.provider, required=required, by=request.user
    )
    if secret:
        return shown_once(request, "provider/secret_shown.html", {"signing_secret": secret})
    if required:
        messages.success(request, _("Signing is on: unsigned requests are refused."))
    else:
        messages.success(request, _("Signing is off: unsigned requests are accepted."))
    return redirect("provider:keys")


@provider_view
@recent_login_required
@require_POST
def rotate(request):
    try:
        _settings, secret = key_service.rotate_signing_secret(
            provider=request.provider, by=request.user
        )
    except DomainError as exc:  # no secret yet: signing was never switched on
        messages.error(request, pick(exc.zh, exc.en))
        return redirect("provider:keys")
    return shown_once(
        request, "provider/secret_shown.html", {"signing_secret": secret, "rotated": True}
    )
