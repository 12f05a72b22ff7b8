"""The portals a signed-in user can open, by role.

Each portal is a URL namespace of its own app (`company:`, `authority:` …). A portal is
listed only once its app's URLs are installed, so the government portal slots in by
adding its `include()` to config/urls.py and nothing here.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership

Role = Membership.Role


@dataclass(frozen=True)
class Portal:
    url_name: str
    label: str
    roles: frozenset

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


PORTALS = (
    Portal("company:home", _("Applicant portal"), frozenset({Role.ENTITY_STAFF})),
    Portal("authority:home", _("Government portal"), frozenset(Membership.AUTHORITY_ROLES)),
    Portal("provider:home", _("Provider portal"), frozenset({Role.PROVIDER_STAFF})),
)


def portals_for(memberships) -> list[dict]:
    """The portals open to someone holding these memberships, with their URLs."""
    roles = {membership.role for membership in memberships}
    found = []
    for portal in PORTALS:
        url = portal.url() if roles & portal.roles else None
        if url:
            found.append({"label": portal.label, "url": url})
    return found
