"""How rule results are worded: display names of enumerated values, money and
percentages as people write them, and the shape of a result with its figures."""

from decimal import Decimal

from accounts import industries as industries_
from vouchers.money import to_decimal
from vouchers.rules.facts import RuleResult

# Display names (zh, en) of the enumerated values rules talk about.
LABELS = {
    "enterprise": ("企业", "enterprise"),
    "research_institute": ("科研院所", "research institute"),
    "university": ("高校", "university"),
    "large": ("大型企业", "large"),
    "medium": ("中型企业", "medium-sized"),
    "small": ("小型企业", "small"),
    "micro": ("微型企业", "micro"),
    "model_training": ("模型训练", "model training"),
    "model_inference": ("模型推理", "model inference"),
    "other": ("其他用途", "other purposes"),
    "compute_service": ("算力服务", "compute services"),
    "data_product": ("数据产品", "data products"),
    "specialty_goods": ("特色商品", "specialty goods"),
    # GB/T 4754 sections and divisions: "65 软件和信息技术服务业".
    **{
        code: (f"{code} {i.name_zh}", f"{code} {i.name_en}")
        for code, i in industries_.CODES.items()
    },
}


def money_text(amount) -> str:
    """9999999.99 -> "9,999,999.99": thousands separators only, the digits unchanged."""
    return f"{to_decimal(amount):,}"


def percent_text(rate: Decimal) -> str:
    """0.30 -> "30%", 0.125 -> "12.5%"; exact, since rates carry at most a few places."""
    text = f"{rate * 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def label(value: str) -> tuple[str, str]:
    return LABELS.get(value, (value, value))


def labels(values) -> tuple[str, str]:
    labels = [label(value) for value in values]
    return "、".join(zh for zh, _ in labels), ", ".join(en for _, en in labels)


def result(kind: str, passed: bool, zh: str, en: str, /, **figures) -> RuleResult:
    return RuleResult(kind, passed, zh, en, {k: str(v) for k, v in figures.items()})


def membership(
    kind: str, figure: str, value: str, allowed: list, subject: tuple[str, str], passed=None
):
    """A value judged against an allowed list, e.g. the applicant's type; `figure` names
    the value among the figures. `passed` when membership is more than `in`."""
    passed = value in allowed if passed is None else passed
    (value_zh, value_en), (allowed_zh, allowed_en) = label(value), labels(allowed)
    if passed:
        zh = f"{subject[0]}为{value_zh}，属于允许范围（{allowed_zh}）"
        en = f"{subject[1]} is {value_en}, which is allowed ({allowed_en})"
    else:
        zh = f"{subject[0]}为{value_zh}，不在允许范围（{allowed_zh}）内"
        en = f"{subject[1]} is {value_en}, which is not allowed (allowed: {allowed_en})"
    return result(kind, passed, zh, en, **{figure: value, "allowed": ",".join(allowed)})
