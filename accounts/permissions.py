"""Who may do what, as `rules` predicates over memberships.

An authority's staff act only on their own authority's programmes; entity staff only for
their entity; provider staff only on their own provider's vouchers.  Services check these
before they change anything; portals and the API will check the same permissions.
"""

import rules
from django.contrib.auth.base_user import AbstractBaseUser

from accounts.models import Membership

Role = Membership.Role


def _memberships(user) -> set[tuple]:
    """The user's (role, authority, entity, provider) rows, loaded once per user object,
    as Django caches model permissions on the user (`_perm_cache`): a request's user is
    checked several times per action, and an approval is on the hot path."""
    if not hasattr(user, "_membership_cache"):
        columns = ("role", "authority_id", "entity_id", "provider_id")
        user._membership_cache = set(Membership.objects.filter(user=user.pk).values_list(*columns))
    return user._membership_cache


def _has_role(user, role, *, authority_id=None, entity_id=None, provider_id=None) -> bool:
    # A check with no object (Django asks `has_perm(perm)` for model-level permissions)
    # grants nothing here: these permissions are always about one organisation's object.
    if not user or not user.is_authenticated or not (authority_id or entity_id or provider_id):
        return False
    return (role, authority_id, entity_id, provider_id) in _memberships(user)


def _authority_of(obj):
    programme = getattr(obj, "programme", obj)
    return getattr(programme, "authority_id", None)


@rules.predicate
def manages_programme(user, programme) -> bool:
    return _has_role(user, Role.PROGRAMME_MANAGER, authority_id=_authority_of(programme))


@rules.predicate
def reviews_for_authority(user, obj) -> bool:
    return _has_role(user, Role.REVIEWER, authority_id=_authority_of(obj))


@rules.predicate
def acts_for_entity(user, obj) -> bool:
    entity_id = getattr(obj, "entity_id", None) or getattr(obj, "pk", None)
    return _has_role(user, Role.ENTITY_STAFF, entity_id=entity_id)


@rules.predicate
def acts_for_provider(user, voucher) -> bool:
    return _has_role(user, Role.PROVIDER_STAFF, provider_id=getattr(voucher, "provider_id", None))


@rules.predicate
def staff_of_provider(user, provider) -> bool:
    return _has_role(user, Role.PROVIDER_STAFF, provider_id=getattr(provider, "pk", None))


@rules.predicate
def is_own_work(user, application) -> bool:
    """Nobody approves their own work: whoever created the application, or anyone who acts
    for the applicant entity (they could have submitted a colleague's draft)."""
    if not (user and user.pk and application is not None):
        return False
    return application.created_by_id == user.pk or _has_role(
        user, Role.ENTITY_STAFF, entity_id=application.entity_id
    )


rules.add_perm("vouchers.manage_programme", manages_programme)
rules.add_perm("vouchers.apply", acts_for_entity)
rules.add_perm("vouchers.review_application", reviews_for_authority & ~is_own_work)
rules.add_perm("vouchers.revoke_voucher", reviews_for_authority)
rules.add_perm("vouchers.redeem_voucher", acts_for_provider)
rules.add_perm("vouchers.answer_contract", acts_for_provider)
# Issuing, revoking and rotating a provider's API keys and signing secret: its own staff
# (the server operator runs `create_provider_key`, which passes no user).
rules.add_perm("api.manage_keys", staff_of_provider)
rules.add_perm(
    "vouchers.see_voucher",
    acts_for_entity | acts_for_provider | reviews_for_authority | manages_programme,
)


# Decisions on a tenant's money or on who may act for it: only a membership in that
# tenant grants them. The billing rules live in billing/permissions.py, the invitation
# rule in company/permissions.py, the payment rules in payments/permissions.py
# (registered by their apps).
MONEY_ACTIONS = frozenset(
    {
        "vouchers.review_application",
        "vouchers.revoke_voucher",
        "vouchers.redeem_voucher",
        "vouchers.answer_contract",
        "billing.approve_settlement",
        "billing.pay_settlement",
        "billing.resolve_exception",
        "api.manage_keys",
        "company.invite_colleague",
        "company.review_claim",
        "recovery.record_finding",
        "recovery.record_repayment",
        "recovery.write_off",
        "payments.prepare_batch",
        "payments.approve_batch",
        "payments.pay_batch",
        "payments.change_bank_details",
    }
)


def _holds(user, perm: str, obj) -> bool:
    # Django grants every permission to an active superuser, so for a user the rule of a
    # money or access decision is tested itself: a platform operator administers the
    # platform but decides for nobody unless a membership says so. An API client
    # (api.authentication.ProviderClient) is no user and answers with its own rule.
    if perm in MONEY_ACTIONS and isinstance(user, AbstractBaseUser):
        return user.is_active and rules.has_perm(perm, user, obj)
    return user.has_perm(perm, obj)


def require(user, perm: str, obj) -> None:
    """Raise PermissionDenied, in both languages, unless `user` holds `perm` on `obj`
    (for MONEY_ACTIONS by the rule itself, whoever the user is: see `_holds`)."""
    from django.core.exceptions import PermissionDenied

    from config.errors import bilingual

    if not (user and _holds(user, perm, obj)):
        raise PermissionDenied(bilingual("无权执行此操作", f"not permitted: {perm}"))
