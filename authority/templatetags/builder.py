"""Template helpers of the programme builder: rules read back in the reader's language."""

from django import template
from django.utils.translation import gettext

from authority.builder.rule_forms import RULE_FORMS
from company.errors import pick

register = template.Library()


@register.filter
def said(line):
    """A described rule (vouchers.rules.describe.Line) in the reader's language."""
    return pick(line.zh, line.en) if line else ""


@register.filter
def rule_kind(kind: str) -> str:
    """A rule kind's title as the builder names it; the two computed results too."""
    if kind in RULE_FORMS:
        return str(RULE_FORMS[kind].title)
    computed = {
        "rate": gettext("Rate"),
        "entitlement": gettext("Entitlement"),
        "provider_answer": gettext("Provider's answer"),
    }
    return computed.get(kind, kind)
