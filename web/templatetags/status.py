"""`{% status_badge thing %}`: a status as a badge coloured by what it means, the same on
every page. The status's name is always written out, so the colour is never the only sign.

    {% load status %}{% status_badge application %}          a model with a `status` field
    {% status_badge "public_notice" label %}                  a value and its label
"""

from django import template
from django.utils.html import format_html

register = template.Library()

# What a status means for the reader: done and good, under way, needs them, refused or
# ended badly, or over / not started.
TONES = {
    "success": {
        "approved",
        "active",
        "paid",
        "redeemed",
        "accepted",
        "confirmed",
        "done",
        "published",
        "awarded",
    },
    "info": {"submitted", "public_notice", "verified", "pending", "queued", "running", "declared"},
    "warning": {"returned", "disputed", "exception", "open"},
    "danger": {"rejected", "revoked", "failed"},
    "secondary": {"draft", "withdrawn", "expired", "exhausted", "closed"},
}
TONE_OF = {value: tone for tone, values in TONES.items() for value in values}


@register.simple_tag
def status_badge(subject, label=None):
    if label is None:
        value, label = subject.status, subject.get_status_display()
    else:
        value = subject
    tone = TONE_OF.get(value, "secondary")
    return format_html(
        '<span class="badge text-bg-{}" data-status="{}">{}</span>', tone, value, label
    )
