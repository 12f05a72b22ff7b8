"""Judge one application against a rule-set document.

Every rule runs, in document order, even after a failure: the applicant sees every
reason at once.  Then come two computed results, "rate" and "entitlement", so the
amount is explained the same way as the rules.  Pure: no database, no models.
"""

from decimal import Decimal

from vouchers.money import ZERO, round_down, share_of, to_decimal
from vouchers.rules.facts import Evaluation, Facts, RuleResult
from vouchers.rules.kinds import RULE_KINDS
from vouchers.rules.rates import highest_tier, tier_rate
from vouchers.rules.schema import validate_ruleset
from vouchers.rules.wording import money_text, percent_text

NO_RATE = Decimal("0.00")


def evaluate(document: dict, facts: Facts) -> Evaluation:
    """Run every rule, then the rate and the entitlement; raises `RuleSetInvalid`."""
    return judge(validate_ruleset(document), facts)


def judge(document: dict, facts: Facts) -> Evaluation:
    """`evaluate` on a document `validate_ruleset` already returned: the policy
    simulator judges thousands of applications by one draft and validates it once."""
    results = [_run_rule(rule, facts) for rule in document["rules"]]
    rate_result, rate = _rate_result(document["rate_tiers"], facts)
    entitlement_result, entitlement = _entitlement_result(rate, facts)
    results += [rate_result, entitlement_result]
    eligible = all(result.passed for result in results)
    return Evaluation(
        results=tuple(results),
        rate=rate,
        entitlement=entitlement if eligible else ZERO,
        eligible=eligible,
    )


def _run_rule(rule: dict, facts: Facts) -> RuleResult:
    params = {key: value for key, value in rule.items() if key != "kind"}
    return RULE_KINDS[rule["kind"]](params, facts)


def _rate_result(tiers: list[dict], facts: Facts) -> tuple[RuleResult, Decimal]:
    """The highest applicable tier, lowered to the programme's claim-share cap if any."""
    tier = highest_tier(tiers, facts)
    if tier is None:
        zh, en = "没有适用的补贴比例档位", "no rate tier applies to this application"
        return RuleResult("rate", False, zh, en, {"rate": str(NO_RATE)}), NO_RATE
    found = tier_rate(tier)
    cap = facts.terms.claim_share_cap
    rate = found if cap is None else min(found, to_decimal(cap))
    zh, en = _tier_reason(tier, found, rate)
    figures = {
        "tier_rate": str(found),
        "claim_share_cap": "" if cap is None else str(cap),
        "rate": str(rate),
    }
    if tier.get("label_en") or tier.get("label_zh"):
        figures["tier"] = tier.get("label_en") or tier["label_zh"]
    return RuleResult("rate", rate > 0, zh, en, figures), rate


def _tier_reason(tier: dict, found: Decimal, rate: Decimal) -> tuple[str, str]:
    share, label_zh, label_en = percent_text(found), tier.get("label_zh"), tier.get("label_en")
    zh = f"适用「{label_zh}」档，补贴比例 {share}" if label_zh else f"适用补贴比例 {share}"
    en = f"the {label_en} tier applies: {share}" if label_en else f"a rate of {share} applies"
    if rate < found:
        zh += f"，受单笔补贴比例上限限制，按 {percent_text(rate)} 计"
        en += f", capped at the programme's claim share of {percent_text(rate)}"
    return zh, en


def _entitlement_result(rate: Decimal, facts: Facts) -> tuple[RuleResult, Decimal]:
    """min(rate x value, remaining cap, remaining budget), rounded down to the fen."""
    value, context = to_decimal(facts.contract.value), facts.context
    base = share_of(value, rate)
    limits = {"base": base, "remaining_budget": to_decimal(context.remaining_budget)}
    if context.remaining_cap is not None:
        limits["remaining_cap"] = to_decimal(context.remaining_cap)
    # The limits are fen amounts already; rounding down again only guards odd inputs.
    entitlement = round_down(min(limits.values()))
    minimum = facts.terms.min_award
    passed = entitlement > 0 and (minimum is None or entitlement >= to_decimal(minimum))
    zh, en = _entitlement_reason(entitlement, value, rate, limits, minimum, passed)
    figures = {
        "contract_value": str(value),
        "rate": str(rate),
        **{name: str(amount) for name, amount in limits.items()},
        "min_award": str(minimum if minimum is not None else ""),
        "entitlement": str(entitlement),
    }
    return RuleResult("entitlement", passed, zh, en, figures), entitlement


# The limits that can hold an entitlement below rate x value, with their names (zh, en).
LIMIT_NAMES = {
    "remaining_cap": ("单位年度剩余额度", "the applicant's remaining annual cap"),
    "remaining_budget": ("项目剩余预算", "the programme's remaining budget"),
}


def _entitlement_reason(entitlement, value, rate, limits, minimum, passed) -> tuple[str, str]:
    base, amount = money_text(limits["base"]), money_text(entitlement)
    zh = f"合同金额 {money_text(value)} 元 × {percent_text(rate)} = {base} 元（向下取整到分）"
    en = f"{money_text(value)} yuan x {percent_text(rate)} = {base} yuan (rounded down to the fen)"
    lowest = min(limits.values())
    for name, (name_zh, name_en) in LIMIT_NAMES.items():
        if name in limits and limits[name] == lowest < limits["base"]:
            zh += f"，受{name_zh} {money_text(lowest)} 元限制"
            en += f", limited by {name_en} of {money_text(lowest)} yuan"
    if passed:
        return zh + f"，可获补贴 {amount} 元", en + f"; the entitlement is {amount} yuan"
    if entitlement <= 0:
        return zh + "，没有可支付的补贴", en + "; nothing can be paid"
    floor = money_text(minimum)
    return (
        zh + f"，可获补贴 {amount} 元，低于最低补贴额 {floor} 元",
        en + f"; the entitlement of {amount} yuan is below the minimum award of {floor} yuan",
    )
