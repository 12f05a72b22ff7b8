"""Webhook endpoints: listed, added (the signing secret shown once), disabled and enabled,
the secret rotated; each endpoint's delivery log, a delivery sent again. Every action
goes through webhooks/services.py, which checks `api.manage_keys` and audits; adding an
endpoint and rotating its secret ask for the password again, as keys do."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from company.errors import pick
from company.views.common import run_service
from config.errors import DomainError
from provider.access import provider_view
from provider.forms import EndpointForm
from provider.views.common import shown_once
from web.auth import recent_login_required
from webhooks import selectors
from webhooks import services as webhooks
from webhooks.models import Delivery, Endpoint

LOG_SIZE = 50


def get_endpoint_for_user(request, pk) -> Endpoint:
    """The provider's own endpoint; another provider's is a 404."""
    try:
        return selectors.endpoint_of(provider=request.provider, pk=pk)
    except Endpoint.DoesNotExist:
        raise Http404 from None


def get_delivery_for_user(request, pk) -> Delivery:
    try:
        return selectors.delivery_of(provider=request.provider, pk=pk)
    except Delivery.DoesNotExist:
        raise Http404 from None


def _list(request, form=None, status=200):
    endpoints = list(selectors.endpoints_of(provider=request.provider))
    stopped = [row for row in endpoints if _auto_disabled(row)]
    context = {"endpoints": endpoints, "auto_disabled": stopped, "form": form or EndpointForm()}
    return render(request, "provider/webhooks.html", context, status=status)


@provider_view
def endpoints(request):
    return _list(request)


@provider_view
@recent_login_required
@require_POST
def create(request):
    form = EndpointForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        endpoint = run_service(
            form,
            lambda: webhooks.create_endpoint(
                provider=request.provider, url=data["url"], events=data["events"], by=request.user
            ),
        )
        if endpoint:
            return shown_once(request, "provider/webhook_secret.html", {"endpoint": endpoint})
    return _list(request, form, status=400)


@provider_view
def endpoint(request, pk):
    found = get_endpoint_for_user(request, pk)
    log = selectors.deliveries_of(endpoint=found)[:LOG_SIZE]
    context = {"endpoint": found, "deliveries": log, "auto_disabled": _auto_disabled(found)}
    return render(request, "provider/webhook.html", context)


def _auto_disabled(endpoint: Endpoint) -> bool:
    """Switched off by the workers after failing again and again, not by its staff."""
    return not endpoint.active and endpoint.failures >= settings.WEBHOOK_DISABLE_AFTER


@provider_view
@require_POST
def disable(request, pk):
    found = webhooks.disable_endpoint(endpoint=get_endpoint_for_user(request, pk), by=request.user)
    messages.success(request, _("Endpoint disabled: nothing is sent to it until enabled."))
    return redirect("provider:webhook", pk=found.pk)


@provider_view
@require_POST
def enable(request, pk):
    found = get_endpoint_for_user(request, pk)
    try:
        webhooks.enable_endpoint(endpoint=found, by=request.user)
    except DomainError as exc:  # its URL no longer passes the check (now private, say)
        messages.error(request, pick(exc.zh, exc.en))
    else:
        messages.success(request, _("Endpoint enabled: new events are sent to it again."))
    return redirect("provider:webhook", pk=found.pk)


@provider_view
@recent_login_required
@require_POST
def rotate(request, pk):
    found = webhooks.rotate_secret(endpoint=get_endpoint_for_user(request, pk), by=request.user)
    return shown_once(request, "provider/webhook_secret.html", {"endpoint": found, "rotated": True})


@provider_view
@require_POST
def redeliver(request, pk):
    delivery = webhooks.redeliver(delivery=get_delivery_for_user(request, pk), by=request.user)
    messages.success(request, _("Delivery queued to be sent again now."))
    return redirect("provider:webhook", pk=delivery.endpoint_id)
