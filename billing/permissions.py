"""Who may decide on billing: `rules` permissions over the accounts' memberships.

An exception is decided by a reviewer of the authority whose programme the record's
voucher belongs to (for a record matched to no voucher: of an authority with a programme
that designates the provider). A settlement is approved by a reviewer or finance officer
of the programme's authority and paid by a finance officer; the service checks that the
payer is not the approver (four-eyes).
"""

import rules

from accounts.permissions import Role, _has_role
from vouchers.models import Programme


def _authorities_of_exception(exception) -> set[int]:
    record = exception.record
    if record.voucher_id:
        return {record.voucher.programme.authority_id}
    programmes = Programme.objects.filter(providers=record.provider_id)
    return set(programmes.values_list("authority_id", flat=True))


@rules.predicate
def reviews_exception(user, exception) -> bool:
    return any(
        _has_role(user, Role.REVIEWER, authority_id=authority)
        for authority in _authorities_of_exception(exception)
    )


@rules.predicate
def approves_settlement(user, settlement) -> bool:
    authority = settlement.programme.authority_id
    return _has_role(user, Role.REVIEWER, authority_id=authority) or _has_role(
        user, Role.FINANCE_OFFICER, authority_id=authority
    )


@rules.predicate
def pays_settlement(user, settlement) -> bool:
    return _has_role(user, Role.FINANCE_OFFICER, authority_id=settlement.programme.authority_id)


rules.add_perm("billing.resolve_exception", reviews_exception)
rules.add_perm("billing.approve_settlement", approves_settlement)
rules.add_perm("billing.pay_settlement", pays_settlement)
