"""Reads for the provider portal's webhook pages and the workers."""

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Provider
from webhooks.models import Delivery, Endpoint


def endpoints_of(*, provider: Provider) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(provider=provider).order_by("-active", "pk")


def endpoint_of(*, provider: Provider, pk: int) -> Endpoint:
    """Raises Endpoint.DoesNotExist for another provider's endpoint (a page's 404)."""
    return Endpoint.objects.get(provider=provider, pk=pk)


def deliveries_of(*, endpoint: Endpoint) -> QuerySet[Delivery]:
    return Delivery.objects.filter(endpoint=endpoint).order_by("-pk")


def delivery_of(*, provider: Provider, pk: int) -> Delivery:
    """Raises Delivery.DoesNotExist for another provider's delivery (a page's 404)."""
    return Delivery.objects.select_related("endpoint").get(endpoint__provider=provider, pk=pk)


def due_delivery_ids(limit: int = 500) -> list[int]:
    due = Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now(), endpoint__active=True
    )
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
