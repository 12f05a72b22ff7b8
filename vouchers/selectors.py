"""Reads that more than one service, page or API needs (the HackSoft split: services
write, selectors read). Each takes keyword arguments and scopes to one tenant where the
caller is a tenant's user."""

from django.db.models import Q, QuerySet

from accounts.models import Entity, Provider, User
from vouchers.models import Application, Voucher
from vouchers.services import codes


def lock_voucher(*, voucher: Voucher) -> Voucher:
    """The voucher row, locked: the first lock any voucher operation takes (lock order)."""
    return (
        Voucher.objects.select_for_update(of=("self",))
        .select_related("programme", "contract")
        .get(pk=voucher.pk)
    )


def voucher_by_code(*, code: str) -> Voucher:
    """The voucher with this code as typed (case, spaces and the hyphens of the printed
    groups do not matter); Voucher.DoesNotExist if there is none."""
    return Voucher.objects.select_related("programme").get(code=codes.normalise(code))


def vouchers_for_entity(*, entity: Entity) -> QuerySet[Voucher]:
    return Voucher.objects.filter(entity=entity).select_related("programme").order_by("-pk")


def vouchers_for_provider(*, provider: Provider) -> QuerySet[Voucher]:
    return Voucher.objects.filter(provider=provider).select_related("programme").order_by("-pk")


def applications_for_entity(*, entity: Entity) -> QuerySet[Application]:
    return (
        Application.objects.filter(entity=entity)
        .select_related("programme", "contract")
        .order_by("-pk")
    )


def get_application_for_user(*, user: User, pk: int) -> Application:
    """One application the user may see: their entity's, or one of the programmes their
    authority runs. Another tenant's raises Application.DoesNotExist (a 404 to the views)."""
    entities = user.memberships.exclude(entity=None).values("entity")
    authorities = user.memberships.exclude(authority=None).values("authority")
    return (
        Application.objects.select_related("programme", "contract", "entity")
        .filter(pk=pk)
        .filter(Q(entity__in=entities) | Q(programme__authority__in=authorities))
        .get()
    )
