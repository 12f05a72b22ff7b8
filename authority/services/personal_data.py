"""Unmasking personal data (accounts/personal.py): every view of a plain value is an
audit event naming who saw which field of which declaration (never the value)."""

from django.utils.translation import gettext_lazy as _

from accounts.personal import mask
from audit import actions
from audit import services as audit

REVEALABLE = ("legal_rep_id", "phone", "bank_account", "shareholder_text")


def reveal(*, declaration, field: str, by) -> str:
    if field not in REVEALABLE:
        raise ValueError(f"{field} is not a personal-data field")
    audit.record(
        actor=by,
        action=actions.PERSONAL_DATA_REVEAL,
        obj=declaration,
        after={"field": field},
    )
    return getattr(declaration, field) or ""


def masked(declaration) -> list[tuple]:
    """(field, label, masked value) of each personal field, for the application page."""
    shareholders = "; ".join(f"{s.name}, {s.code}" for s in declaration.shareholders_masked())
    return [
        ("legal_rep_id", _("Legal representative's ID number"), mask(declaration.legal_rep_id)),
        ("shareholder_text", _("Shareholders"), shareholders),
        ("phone", _("Phone"), mask(declaration.phone)),
        ("bank_account", _("Bank account"), mask(declaration.bank_account)),
    ]
