"""Who may claw back: an officer (reviewer or finance officer) of the programme's
authority records a finding; finance officers record repayments and write off, the
confirming officer not the requesting one (the service and a check constraint)."""

import rules

from accounts.permissions import Role, _has_role


def _authority(obj) -> int | None:
    return getattr(obj, "authority_id", None) or obj.programme.authority_id


@rules.predicate
def officer_of(user, obj) -> bool:
    authority = _authority(obj)
    return _has_role(user, Role.REVIEWER, authority_id=authority) or _has_role(
        user, Role.FINANCE_OFFICER, authority_id=authority
    )


@rules.predicate
def finance_officer_of(user, obj) -> bool:
    return _has_role(user, Role.FINANCE_OFFICER, authority_id=_authority(obj))


rules.add_perm("recovery.record_finding", officer_of)
rules.add_perm("recovery.record_repayment", finance_officer_of)
rules.add_perm("recovery.write_off", finance_officer_of)
