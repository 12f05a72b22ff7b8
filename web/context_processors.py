"""What every page's layout shows: the platform's name and who is signed in, for which
organisations. One query for a signed-in user, none for a visitor. (`platform_name`, not
`site_name`: Django's auth views put the request's host in `site_name`.)"""

from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership


def _memberships(user) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user)
        .select_related("authority", "entity", "provider")
        .order_by("pk")
    )


def site(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "platform_name": _("Compute Voucher Service Platform"),
        "site_memberships": SimpleLazyObject(lambda: _memberships(user) if signed_in else []),
    }
