"""Template helpers: the reader's half of bilingual labels and rule reasons."""

from django import template

from company.errors import localised, reads_chinese

register = template.Library()


@register.filter
def local(value):
    """A bilingual service message (config.errors.Bilingual) -> its half in the current
    language; any other text as it is."""
    return localised(value) if value else value


@register.filter
def reason(result):
    """A rule result's reason (a RuleResult or its stored JSON) in the reader's language."""
    key = "reason_zh" if reads_chinese() else "reason_en"
    return result[key] if isinstance(result, dict) else getattr(result, key)


@register.filter
def percent(rate):
    """0.5 -> '50%' exactly (a rate is a Decimal or its string)."""
    from vouchers.money import to_decimal
    from vouchers.rules.wording import percent_text

    return percent_text(to_decimal(rate)) if rate not in (None, "") else "—"


@register.filter
def tier_label(tier):
    """A rate tier's label in the reader's language (either one if only one is set)."""
    chinese, english = tier.get("label_zh", ""), tier.get("label_en", "")
    return (chinese or english) if reads_chinese() else (english or chinese)


@register.filter
def action_label(action):
    """An audited step's name on the timeline, in the reader's language."""
    from company.messages import action_name

    chinese, english = action_name(action)
    return chinese if reads_chinese() else english
