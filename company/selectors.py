"""Reads the portal's pages share. Each list costs a fixed number of queries whatever
its length (tests/company/test_query_counts.py)."""

from collections import defaultdict

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from accounts.models import Membership
from audit.models import AuditEvent
from billing.selectors import usage_for_voucher
from vouchers.contract_numbers import number_key
from vouchers.models import (
    Application,
    Contract,
    LedgerAccount,
    LedgerEntry,
    Programme,
    RuleSet,
    Voucher,
)
from vouchers.rules.facts import Evaluation
from vouchers.services.evaluation import evaluate_application


def open_programmes():
    """Published programmes still taking applications, with their budget left and
    their current rule version (for the rate tiers)."""
    available = LedgerAccount.objects.filter(
        programme=OuterRef("pk"), kind=LedgerAccount.Kind.AVAILABLE
    ).values("balance")[:1]
    return (
        Programme.objects.real()
        .filter(
            status=Programme.Status.PUBLISHED,
            applications_close__gte=timezone.localdate(),
        )
        .annotate(budget_left=Subquery(available))
        .select_related("authority")
        .prefetch_related(
            Prefetch("rulesets", RuleSet.objects.order_by("-version"), to_attr="versions")
        )
        .order_by("applications_close", "pk")
    )


def rate_tiers(programme: Programme) -> list[dict]:
    """The current version's rate tiers (from the prefetched versions)."""
    versions = getattr(programme, "versions", None) or [programme.current_ruleset()]
    return versions[0].document.get("rate_tiers", []) if versions and versions[0] else []


def preview(*, entity, programme: Programme, contract_values: dict) -> Evaluation | None:
    """The rule-by-rule judgement of an application not yet made: the same service and
    pure engine (vouchers.rules.evaluate) the decision uses, on unsaved rows. None when
    the entity has declared nothing yet."""
    declaration = entity.current_declaration()
    if declaration is None:
        return None
    contract = Contract(entity=entity, **contract_values)
    # An unsaved contract has no key yet: without it a number already subsidised
    # would pass the once-per-contract rule here and fail only on submission.
    contract.number_key = number_key(contract.number)
    application = Application(
        programme=programme,
        ruleset=programme.current_ruleset(),
        entity=entity,
        contract=contract,
        declaration=declaration,
    )
    return evaluate_application(application, today=timezone.localdate())


def applications_of(entity):
    return Application.objects.filter(entity=entity).select_related(
        "programme", "contract", "contract__provider"
    )


def vouchers_of(entity):
    return Voucher.objects.filter(entity=entity).select_related("programme", "provider")


def redemptions(voucher: Voucher):
    return LedgerEntry.objects.filter(voucher=voucher, kind=LedgerEntry.Kind.REDEEM).order_by(
        "created_at", "pk"
    )


def spend_series(entries, series_name: str) -> dict:
    """Cumulative subsidy redeemed per day, in the shape web/static/web/site.js charts
    (amounts as strings: exact)."""
    per_day = defaultdict(lambda: 0)
    for entry in entries:
        per_day[timezone.localtime(entry.created_at).date()] += entry.amount
    total, days, totals = 0, [], []
    for day in sorted(per_day):
        total += per_day[day]
        days.append(day.isoformat())
        totals.append(str(total))
    return {"labels": days, "values": totals, "series_name": series_name}


def timeline(application: Application) -> list[dict]:
    """Every audit event of the application, its contract and its voucher, oldest first,
    with the actor's role in this matter."""
    objects = Q(object_type="application", object_id=str(application.pk))
    objects |= Q(object_type="contract", object_id=str(application.contract_id))
    vouchers = Voucher.objects.filter(application=application).values_list("pk", flat=True)
    for pk in vouchers:
        objects |= Q(object_type="voucher", object_id=str(pk))
    events = list(AuditEvent.objects.filter(objects).order_by("at", "pk"))
    roles = _roles(
        {e.actor_id for e in events if e.actor_id},
        entity_id=application.entity_id,
        authority_id=application.programme.authority_id,
        provider_id=application.contract.provider_id,
    )
    return [{"event": e, "role": roles.get(e.actor_id)} for e in events]


def claim_timeline(claim) -> list[dict]:
    """Every audit event of the claim (filed, then each decision), oldest first."""
    events = list(
        AuditEvent.objects.filter(object_type="claim", object_id=str(claim.pk)).order_by("at", "pk")
    )
    voucher = claim.voucher
    roles = _roles(
        {e.actor_id for e in events if e.actor_id},
        entity_id=claim.entity_id,
        authority_id=voucher.programme.authority_id,
        provider_id=voucher.provider_id,
    )
    return [{"event": e, "role": roles.get(e.actor_id)} for e in events]


def _roles(user_ids: set, *, entity_id, authority_id, provider_id) -> dict:
    """user id -> the role they hold here: for the entity, the programme's authority or
    the contract's provider."""
    here = Q(entity_id=entity_id) | Q(authority_id=authority_id) | Q(provider_id=provider_id)
    memberships = Membership.objects.filter(here, user_id__in=user_ids)
    return {m.user_id: m.get_role_display() for m in memberships}


def provider_usage(voucher: Voucher, start, end):
    """The provider's usage records for the voucher in [start, end]."""
    return usage_for_voucher(voucher=voucher, start=start, end=end)
