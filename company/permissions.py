"""Who may decide for an entity in its portal: `rules` permissions over the accounts'
memberships and the entity's portal account."""

import rules

from accounts.permissions import acts_for_entity
from company.models import CompanyAccount


@rules.predicate
def administers_portal(user, entity) -> bool:
    return CompanyAccount.objects.filter(entity=entity.pk, admin=user.pk).exists()


# Inviting makes someone staff, so it needs the portal admin who still acts for the entity.
rules.add_perm("company.invite_colleague", acts_for_entity & administers_portal)
