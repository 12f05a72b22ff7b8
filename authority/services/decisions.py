"""Reviewers' decisions from the portal, through the vouchers services.

The page adds one rule: approving less than the entitlement needs a written reason,
kept as the review note and in the approval's audit event. Above the programme's
second-review threshold the first reviewer's approval is recorded and the second,
different reviewer's confirms it and issues the voucher (vouchers/services/second_review).
No approval while a warning waits to be ticked as seen (authority/warnings.py)."""

from dataclasses import dataclass

from django.db import transaction

from authority import warnings
from config.errors import DomainError
from vouchers.models import Application, FirstApproval
from vouchers.money import parse_yuan
from vouchers.services import second_review
from vouchers.services.applications import approve_application


@dataclass(frozen=True)
class Approval:
    application: Application
    waiting: FirstApproval | None = None  # set when a second reviewer must confirm


def approve(*, application: Application, by, amount=None, reason: str = "") -> Approval:
    reason = reason.strip()
    warnings.require_seen(application)
    first = second_review.open_first_approval(application)
    if first is not None:
        return Approval(_approve(application, by, first.amount, first.note or reason))
    requested = (
        application.entitlement if amount in (None, "") else parse_yuan(amount, field="amount")
    )
    if second_review.needs_second_review(application.programme, requested):
        _require_reason(requested < application.entitlement, reason)
        waiting = second_review.propose(
            application=application, by=by, amount=requested, note=reason
        )
        return Approval(application, waiting=waiting)
    return Approval(_approve(application, by, amount, reason))


def _approve(application, by, amount, reason) -> Application:
    # One transaction: a missing reason, known only once the entitlement is recomputed,
    # rolls the approval back, voucher and ledger entries included.
    with transaction.atomic():
        approved = approve_application(application=application, by=by, amount=amount, note=reason)
        _require_reason(approved.approved_amount < approved.entitlement, reason)
    return approved


def _require_reason(lowered: bool, reason: str) -> None:
    if lowered and not reason:
        raise DomainError(
            "reason",
            "核减补贴金额须说明理由",
            "approving less than the entitlement needs a reason",
        )
