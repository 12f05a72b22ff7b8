"""`{{ programme|localised:"name" }}`: a model's `<field>_en` in English when it is filled
in, its `<field>_zh` otherwise (models keep both: Programme, Authority, FundingSource).
`{{ programme|region }}`, `{{ code|region_code }}`: a region in the reader's language."""

from django import template
from django.utils.translation import get_language

from accounts.regions import NAMES, region_name

register = template.Library()


@register.filter
def localised(obj, field: str):
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_zh", "")


@register.filter
def region(programme) -> str:
    """The programme's region: as its officers named it in Chinese; in English the name
    of its region code (accounts/regions.py) when that code is a known division."""
    if (get_language() or "").startswith("en") and programme.region_code in NAMES:
        return region_name(programme.region_code)
    return programme.region_name


@register.filter
def region_code(code: str) -> str:
    """A GB/T 2260 code as its name in the reader's language, the code beside it for
    officers who match on it ("成都市武侯区 (510107)")."""
    if not code:
        return ""
    name = region_name(code)
    # An unnamed code comes back inside its nearest named division's name already.
    return name if code in name else f"{name} ({code})"
