"""Reads the government portal's pages need, each a small keyword-only function."""

from copy import copy

from django.utils import timezone

from vouchers.models import Application, Voucher
from vouchers.services.evaluation import evaluate_application, trace


def trace_now(*, application: Application) -> dict:
    """The rule-by-rule trace as the application would be judged today: the programme's
    current rules and the entity's latest declaration (nothing saved)."""
    probe = copy(application)
    probe.ruleset = application.programme.current_ruleset()
    probe.declaration = application.entity.current_declaration() or application.declaration
    return trace(evaluate_application(probe, today=timezone.localdate()))


def entity_history(*, application: Application) -> dict:
    """The entity's other applications and its vouchers anywhere on the platform: a
    reviewer weighs an award against what the entity already holds."""
    entity = application.entity
    others = (
        Application.objects.filter(entity=entity)
        .exclude(pk=application.pk)
        .select_related("programme", "contract")
        .order_by("-pk")
    )
    vouchers = Voucher.objects.filter(entity=entity).select_related("programme").order_by("-pk")
    return {"other_applications": others, "entity_vouchers": vouchers}


def side_by_side(*, filed: list, now: list) -> list[dict]:
    """Rule results as filed and as now, paired by rule kind, in the filed order (a rule
    added since comes last), each marked when its verdict changed."""
    current = {result["kind"]: result for result in now}
    rows = [{"filed": r, "now": current.pop(r["kind"], None)} for r in filed]
    rows += [{"filed": None, "now": r} for r in current.values()]
    if not now:
        return [{**row, "changed": False} for row in rows]
    for row in rows:
        verdicts = {r["passed"] for r in (row["filed"], row["now"]) if r is not None}
        row["changed"] = len(verdicts) > 1 or None in (row["filed"], row["now"])
    return rows
