"""Who may act on payments: `rules` permissions over the accounts' memberships.

A payment batch is prepared, approved and paid by finance officers of the programme's
authority (the service refuses the preparer as approver: four eyes). A payee's bank
details are changed by its portal admin (an entity) or its staff (a provider)."""

import rules

from accounts.models import Authority, Entity, Provider
from accounts.permissions import Role, _has_role, acts_for_entity, staff_of_provider


@rules.predicate
def finance_officer_of(user, obj) -> bool:
    """obj: an authority, or a payment batch of one."""
    authority = obj.pk if isinstance(obj, Authority) else getattr(obj, "authority_id", None)
    return _has_role(user, Role.FINANCE_OFFICER, authority_id=authority)


@rules.predicate
def administers_payee(user, payee) -> bool:
    from company.permissions import administers_portal

    if isinstance(payee, Entity):
        return acts_for_entity(user, payee) and administers_portal(user, payee)
    if isinstance(payee, Provider):
        return staff_of_provider(user, payee)
    return False


rules.add_perm("payments.prepare_batch", finance_officer_of)
rules.add_perm("payments.approve_batch", finance_officer_of)
rules.add_perm("payments.pay_batch", finance_officer_of)
rules.add_perm("payments.change_bank_details", administers_payee)
