"""A rule set read as a company reads it: one sentence per rule and rate tier, (zh, en),
with the same labels, money and percent wording as the rule results the company sees
on "Am I eligible?" (vouchers/rules/wording.py). The builder reads a draft back with
these, and the revision diff compares them line by line."""

from typing import NamedTuple

from vouchers.money import to_decimal
from vouchers.rules.schema import TIER_CONDITIONS
from vouchers.rules.wording import labels, money_text, percent_text


class Line(NamedTuple):
    key: str  # the rule kind, or "rate_tiers[i]": what a diff pairs up
    zh: str
    en: str


def _revenue_floor(rule: dict) -> tuple[str, str]:
    floor = money_text(rule["min_revenue"])
    return (
        f"上年度主营业务收入不低于 {floor} 元（含）",
        f"prior-year revenue of at least {floor} yuan (inclusive)",
    )


def _allowed(subject_zh: str, subject_en: str):
    def describe(rule: dict) -> tuple[str, str]:
        zh, en = labels(rule["allowed"])
        return f"{subject_zh}须为：{zh}", f"{subject_en} must be one of: {en}"

    return describe


def _registered_region(rule: dict) -> tuple[str, str]:
    if rule["scope"] == "any":
        return "不限注册地", "registered anywhere"
    zh, en = "、".join(rule["regions"]), ", ".join(rule["regions"])
    return f"注册地须在区划 {zh} 内", f"registered within region {en}"


def _contract_window(rule: dict) -> tuple[str, str]:
    zh, en = [], []
    if "signed_from" in rule:
        zh.append(f"不早于 {rule['signed_from']} 签订")
        en.append(f"signed on or after {rule['signed_from']}")
    if "signed_to" in rule:
        zh.append(f"不晚于 {rule['signed_to']} 签订")
        en.append(f"signed on or before {rule['signed_to']}")
    if "max_term_months" in rule:
        zh.append(f"服务期不超过 {rule['max_term_months']} 个月")
        en.append(f"a term of at most {rule['max_term_months']} months")
    return "合同" + "，".join(zh), "the contract: " + "; ".join(en)


def _no_dishonesty(rule: dict) -> tuple[str, str]:
    years = rule["years"]
    return f"近 {years} 年无失信记录", f"no dishonesty (失信) record in the last {years} years"


def _fixed(zh: str, en: str):
    return lambda rule: (zh, en)


DESCRIBE = {
    "revenue_floor": _revenue_floor,
    "entity_kinds": _allowed("申报主体类型", "the applicant"),
    "registered_region": _registered_region,
    "size_class": _allowed("企业规模（《中小企业划型标准规定》）", "the size (2011 SME standard)"),
    "startup": _fixed("须为初创企业", "the applicant must be a start-up"),
    "industries": _allowed("所属行业", "the industry"),
    "designated_provider": _fixed(
        "服务商须在本项目指定服务商名单内", "the provider must be on the designated list"
    ),
    "not_related_party": _fixed(
        "服务商不得是申报主体的关联方", "the provider must not be a related party"
    ),
    "contract_window": _contract_window,
    "one_subsidy_per_contract": _fixed(
        "同一合同只能补贴一次", "a contract is subsidised once across all programmes"
    ),
    "no_dishonesty": _no_dishonesty,
    "purposes": _allowed("算力用途", "the compute purpose"),
    "service_categories": _allowed("服务类别", "the service category"),
    "contract_paid": _fixed("合同款项须已全额支付", "the contract must be paid in full"),
}

# A tier condition's words, by key and value.
CONDITION_WORDS = {
    ("accelerator_origin", "domestic"): ("国产算力", "domestic accelerators"),
    ("accelerator_origin", "foreign"): ("非国产算力", "foreign accelerators"),
    ("is_startup", True): ("初创企业", "start-ups"),
    ("is_startup", False): ("非初创企业", "established companies"),
    ("project_class", "major"): ("重大项目", "major projects"),
    ("project_class", "normal"): ("一般项目", "normal projects"),
    ("filed_model_service", True): ("已备案大模型服务", "filed foundation-model services"),
    ("filed_model_service", False): ("未备案大模型服务", "unfiled model services"),
}


def _condition(key: str, value) -> tuple[str, str]:
    if key == "entity_kind":
        return labels([value])
    return CONDITION_WORDS[(key, value)]


def tier_line(index: int, tier: dict) -> Line:
    share = percent_text_of(tier["rate"])
    # In the schema's order, not the stored one: PostgreSQL's jsonb keeps an object's keys
    # in its own order, and the same tier must read (and diff) the same on either backend.
    when = tier["when"]
    conditions = [_condition(key, when[key]) for key in TIER_CONDITIONS if key in when]
    if not conditions:
        zh, en = f"补贴比例 {share}", f"a rate of {share}"
    else:
        zh = f"{'、'.join(c[0] for c in conditions)}：补贴比例 {share}"
        en = f"{share} for {' and '.join(c[1] for c in conditions)}"
    return Line(f"rate_tiers[{index}]", zh, en)


def percent_text_of(rate) -> str:
    return percent_text(to_decimal(rate))


def describe_ruleset(document: dict) -> list[Line]:
    """Every rule, then every rate tier (the highest applicable one counts)."""
    lines = [Line(rule["kind"], *DESCRIBE[rule["kind"]](rule)) for rule in document["rules"]]
    return lines + [tier_line(i, tier) for i, tier in enumerate(document["rate_tiers"])]
