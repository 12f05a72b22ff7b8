"""`{{ programme|localised:"name" }}`: a model's `<field>_en` in English when it is filled
in, its `<field>_zh` otherwise (models keep both: Programme, Authority, FundingSource)."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localised(obj, field: str):
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_zh", "")
