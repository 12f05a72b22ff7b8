"""Reads the government portal's pages need, each a small keyword-only function."""

from collections import defaultdict
from copy import copy
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from audit.models import AuditEvent
from billing.models import Settlement, SettlementLine
from company.models import Claim
from payments.models import PaymentLine
from vouchers.models import Application, LedgerAccount, LedgerEntry, Voucher
from vouchers.money import from_db
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


# The ledger trace of a voucher: its yuan from the programme's budget to the payee.


def voucher_flow(*, voucher: Voucher) -> list[dict]:
    """The voucher's money by movement (kind, from which kind of account, to which), in
    the order each first happened: one grouped query, whatever the number of entries.
    Labels come from the rows, so a kind of entry or account added later shows as it is."""
    rows = (
        LedgerEntry.objects.filter(voucher=voucher)
        .values("kind", "debit__kind", "credit__kind")
        .annotate(entries=Count("pk"), total=Sum("amount"), first=Min("pk"))
        .order_by("first")
    )
    return [
        {
            "kind": _label(LedgerEntry.Kind, row["kind"]),
            "source": _label(LedgerAccount.Kind, row["debit__kind"]),
            "target": _label(LedgerAccount.Kind, row["credit__kind"]),
            "entries": row["entries"],
            "total": from_db(row["total"]),
            "moves": row,
        }
        for row in rows
    ]


def _label(choices, value: str) -> str:
    return dict(choices.choices).get(value, value)


def flow_stages(*, voucher: Voucher, flow: list[dict], settled: dict) -> dict:
    """The summary at the top of the trace: what was committed to the voucher, what left
    its reserve for each kind of account (net of what came back), and what was paid."""
    net = defaultdict(Decimal)
    for row in flow:
        net[row["moves"]["credit__kind"]] += row["total"]
        net[row["moves"]["debit__kind"]] -= row["total"]
    committed = sum(
        (r["total"] for r in flow if r["moves"]["kind"] == LedgerEntry.Kind.COMMIT), Decimal(0)
    )
    return {
        "budget": voucher.programme.total_budget,
        "committed": committed,
        "reserve": net[LedgerAccount.Kind.RESERVE],
        "redeemed": net[LedgerAccount.Kind.REDEEMED],
        "payable": net[LedgerAccount.Kind.PAYABLE],
        "released": sum(
            (r["total"] for r in flow if r["moves"]["kind"] == LedgerEntry.Kind.RELEASE),
            Decimal(0),
        ),
        "paid": settled["paid"],
    }


def voucher_settled(*, voucher: Voucher) -> dict:
    """Where the voucher's redeemed money went on: its share of each provider statement
    (the statement is paid as a whole, for all the provider's vouchers), its approved or
    paid claims, and the entries that paid them (found by their reference), each with
    its audit event. A fixed number of queries."""
    statements = list(
        SettlementLine.objects.filter(record__voucher=voucher)
        .values("settlement_id", "settlement__period", "settlement__status")
        .annotate(subsidy=Sum("subsidy"))
        .order_by("settlement_id")
    )
    for row in statements:
        row["subsidy"] = from_db(row["subsidy"])
        row["status"] = _label(Settlement.Status, row["settlement__status"])
    claims = list(
        voucher.claims.filter(status__in=(Claim.Status.APPROVED, Claim.Status.PAID)).order_by("pk")
    )
    references = _payment_references(statements, claims)
    onward = list(
        LedgerEntry.objects.filter(
            programme_id=voucher.programme_id, voucher=None, reference__in=references
        ).select_related(*ENTRY_ROWS)
    )
    with_events(onward)
    paid = sum(
        (r["subsidy"] for r in statements if r["settlement__status"] == Settlement.Status.PAID),
        Decimal(0),
    ) + sum((c.approved_amount for c in claims if c.status == Claim.Status.PAID), Decimal(0))
    return {"statements": statements, "claims": claims, "onward": onward, "paid": paid}


def _payment_references(statements: list[dict], claims: list) -> list[str]:
    """The references of the entries that paid these statements and claims: a payment
    batch's lines (payments/services/batches.py: the cash, then any offset), or a
    statement paid on its own (billing/settlements.py) or a claim's own entries."""
    settlement_ids = [row["settlement_id"] for row in statements]
    claim_ids = [claim.pk for claim in claims]
    lines = PaymentLine.objects.filter(
        Q(settlement_id__in=settlement_ids) | Q(claim_id__in=claim_ids)
    ).values_list("pk", flat=True)
    references = [f"settlement:{pk}" for pk in settlement_ids]
    references += [f"claim:{pk}" for pk in claim_ids]
    for pk in lines:
        references += [f"payment:{pk}", f"payment:{pk}:offset"]
    return references


ENTRY_ROWS = ("debit", "credit", "actor")


def voucher_entries(*, voucher: Voucher):
    """The voucher's own entries, oldest first (a page of them is given its events by
    `with_events`)."""
    return LedgerEntry.objects.filter(voucher=voucher).select_related(*ENTRY_ROWS).order_by("pk")


def with_events(entries) -> list:
    """Each entry with the audit event the ledger wrote with it (`entry.event`, None if
    there is none): the ledger records one per entry, the entry as its object, so one
    query finds a page's events by their indexed (object_type, object_id)."""
    entries = list(entries)
    events = AuditEvent.objects.filter(
        object_type="ledgerentry", object_id__in=[str(entry.pk) for entry in entries]
    ).select_related("actor")
    found = {event.object_id: event for event in events}
    for entry in entries:
        entry.event = found.get(str(entry.pk))
    return entries
