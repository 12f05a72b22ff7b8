"""Who may decide for an entity in its portal: `rules` permissions over the accounts'
memberships and the entity's portal account."""

import rules

from accounts.permissions import acts_for_entity, reviews_for_authority
from company.models import CompanyAccount


@rules.predicate
def administers_portal(user, entity) -> bool:
    return CompanyAccount.objects.filter(entity=entity.pk, admin=user.pk).exists()


# Inviting makes someone staff, so it needs the portal admin who still acts for the entity.
rules.add_perm("company.invite_colleague", acts_for_entity & administers_portal)


@rules.predicate
def reviews_claim(user, claim) -> bool:
    return reviews_for_authority(user, claim.voucher.programme)


@rules.predicate
def claim_of_own_entity(user, claim) -> bool:
    """Nobody decides a claim they filed or one of an entity they act for."""
    return claim.filed_by_id == user.pk or acts_for_entity(user, claim)


rules.add_perm("company.review_claim", reviews_claim & ~claim_of_own_entity)
