"""The rule-set document: its JSON Schema, the checks a schema cannot express, and
its normal form.

A document is `{"rules": [...], "rate_tiers": [...]}`; amounts and rates are decimal
strings (never JSON numbers, which a float would read inexactly) and dates ISO strings.
`validate_ruleset` collects every problem at once, each named by its JSON path
("rules[2].min_revenue"), so an administrator can fix a document in one pass.
"""

import copy
import re
from datetime import date
from decimal import Decimal

from jsonschema import Draft202012Validator

from accounts import industries
from config.errors import DomainError
from vouchers.money import MAX_AMOUNT, to_decimal, yuan

DECIMAL_PATTERN = r"^[0-9]+(\.[0-9]+)?$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
REGION_PATTERN = r"^[0-9]{2,6}$"
DECIMAL = {"type": "string", "pattern": DECIMAL_PATTERN}
DATE = {"type": "string", "pattern": DATE_PATTERN}
ENTITY_KINDS = ["enterprise", "research_institute", "university"]
MAX_RATE_PLACES = 4


def _subset(choices: list | None = None) -> dict:
    items = {"enum": choices} if choices else {"type": "string", "minLength": 1}
    return {"type": "array", "items": items, "minItems": 1, "uniqueItems": True}


def _params(required: tuple = (), **properties) -> dict:
    """A rule's object: its kind plus exactly these parameters."""
    return {
        "properties": {"kind": True, **properties},
        "required": list(required),
        "additionalProperties": False,
    }


NO_PARAMS = _params()
ALLOWED = _params(("allowed",), allowed=_subset())

# The parameters of each rule kind; `kinds.RULE_KINDS` has one function per key.
PARAMS: dict[str, dict] = {
    "revenue_floor": _params(("min_revenue",), min_revenue=DECIMAL),
    "entity_kinds": _params(("allowed",), allowed=_subset(ENTITY_KINDS)),
    "registered_region": {
        **_params(
            ("scope",),
            scope={"enum": ["any", "local"]},
            regions={**_subset(), "items": {"type": "string", "pattern": REGION_PATTERN}},
        ),
        "if": {"properties": {"scope": {"const": "local"}}, "required": ["scope"]},
        "then": {"required": ["regions"]},
    },
    "size_class": _params(("allowed",), allowed=_subset(["large", "medium", "small", "micro"])),
    "startup": NO_PARAMS,
    "industries": _params(("allowed",), allowed=_subset(list(industries.CODES))),
    "designated_provider": NO_PARAMS,
    "not_related_party": NO_PARAMS,
    "contract_window": _params(
        signed_from=DATE, signed_to=DATE, max_term_months={"type": "integer", "minimum": 1}
    ),
    "one_subsidy_per_contract": NO_PARAMS,
    "no_dishonesty": _params(("years",), years={"type": "integer", "minimum": 0}),
    "purposes": _params(
        ("allowed",), allowed=_subset(["model_training", "model_inference", "other"])
    ),
    "service_categories": _params(
        ("allowed",), allowed=_subset(["compute_service", "data_product", "specialty_goods"])
    ),
    "contract_paid": NO_PARAMS,
}

TIER_CONDITIONS = {
    "accelerator_origin": {"enum": ["domestic", "foreign"]},
    "is_startup": {"type": "boolean"},
    "project_class": {"enum": ["normal", "major"]},
    "filed_model_service": {"type": "boolean"},
    "entity_kind": {"enum": ENTITY_KINDS},
}

RULE = {
    "type": "object",
    "required": ["kind"],
    "properties": {"kind": {"enum": list(PARAMS)}},
    # Dispatch on the kind so that errors come from that kind's own parameters.
    "allOf": [
        {"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]}, "then": params}
        for kind, params in PARAMS.items()
    ],
}

TIER = {
    "type": "object",
    "required": ["rate", "when"],
    "properties": {
        "rate": DECIMAL,
        "when": {
            "type": "object",
            "properties": TIER_CONDITIONS,
            "additionalProperties": False,
        },
        "label_zh": {"type": "string"},
        "label_en": {"type": "string"},
    },
    "additionalProperties": False,
}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Compute-voucher programme rule set",
    "type": "object",
    "required": ["rules", "rate_tiers"],
    "properties": {
        "rules": {"type": "array", "items": RULE},
        "rate_tiers": {"type": "array", "items": TIER, "minItems": 1},
    },
    "additionalProperties": False,
}

Draft202012Validator.check_schema(SCHEMA)
VALIDATOR = Draft202012Validator(SCHEMA)

# How each failed JSON Schema keyword reads to an administrator, (zh, en).
TYPE_NAMES = {
    "object": ("对象", "an object"),
    "array": ("列表", "a list"),
    "string": ("字符串", "a string"),
    "integer": ("整数", "an integer"),
    "boolean": ("布尔值", "true or false"),
}
PATTERN_NAMES = {
    DECIMAL_PATTERN: ('应为十进制数字字符串，如 "0.30"', 'must be a decimal string such as "0.30"'),
    DATE_PATTERN: ("应为 YYYY-MM-DD 格式的日期", "must be a date written YYYY-MM-DD"),
    REGION_PATTERN: ("应为 2 至 6 位数字的区划代码", "must be a region code of 2 to 6 digits"),
}


class RuleSetInvalid(DomainError):
    """A rule-set document with problems; `.errors` lists each as (path, zh, en)."""

    def __init__(self, errors: list[tuple[str, str, str]]):
        self.errors = errors
        zh = f"规则集有 {len(errors)} 处错误：" + "；".join(f"{p} {zh}" for p, zh, _ in errors)
        en = f"the rule set has {len(errors)} error(s): " + "; ".join(
            f"{p} {en}" for p, _, en in errors
        )
        super().__init__("document", zh, en)


def validate_ruleset(document) -> dict:
    """The document in normal form, or `RuleSetInvalid` listing every problem."""
    schema_errors = sorted(VALIDATOR.iter_errors(document), key=_error_order)
    errors = [error for found in schema_errors for error in _describe(found)]
    if isinstance(document, dict):
        errors += _semantic_errors(document)
    if errors:
        # Several schema branches can report the same problem; list it once.
        raise RuleSetInvalid(list(dict.fromkeys(errors)))
    return _normalised(document)


def _error_order(error) -> list:
    # Paths mix list indexes and keys; tag each part so they never compare across types.
    return [(isinstance(part, str), part) for part in error.absolute_path]


def _path(parts) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "document"


def _child(path: str, name: str) -> str:
    return name if path == "document" else f"{path}.{name}"


def _describe(error) -> list[tuple[str, str, str]]:
    """One schema error as (path, zh, en) entries; missing or extra keys get their own path."""
    path = _path(error.absolute_path)
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return [(_child(path, name), "缺少必填项", "is required") for name in missing]
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [name for name in error.instance if name not in known]
        return [(_child(path, name), "不是允许的字段", "is not an allowed field") for name in extra]
    return [(path, *_keyword_message(error))]


def _keyword_message(error) -> tuple[str, str]:
    keyword, value = error.validator, error.validator_value
    if keyword == "type":
        zh, en = TYPE_NAMES.get(value, (value, value))
        return f"应为{zh}", f"must be {en}"
    if keyword == "enum":
        options = ", ".join(str(option) for option in value)
        return f"应为以下之一：{options}", f"must be one of: {options}"
    if keyword in ("minItems", "minLength"):
        return "不能为空", "must not be empty"
    if keyword == "minimum":
        return f"不能小于 {value}", f"must be at least {value}"
    if keyword == "pattern":
        return PATTERN_NAMES[value]
    if keyword == "uniqueItems":
        return "包含重复项", "contains duplicates"
    return "不符合规则集格式", error.message


def _semantic_errors(document: dict) -> list[tuple[str, str, str]]:
    """What the schema cannot say. Values the schema already rejected are skipped."""
    errors = []
    rules = document.get("rules")
    if isinstance(rules, list):
        errors += _duplicate_kinds(rules)
        for index, rule in enumerate(rules):
            if isinstance(rule, dict):
                errors += _rule_errors(f"rules[{index}]", rule)
    tiers = document.get("rate_tiers")
    if isinstance(tiers, list):
        for index, tier in enumerate(tiers):
            if isinstance(tier, dict):
                errors += _rate_errors(f"rate_tiers[{index}].rate", tier.get("rate"))
    return errors


def _duplicate_kinds(rules: list) -> list[tuple[str, str, str]]:
    first_seen, errors = {}, []
    for index, rule in enumerate(rules):
        kind = rule.get("kind") if isinstance(rule, dict) else None
        if kind not in PARAMS:
            continue  # unknown kinds are the schema's error
        if kind in first_seen:
            seen = f"rules[{first_seen[kind]}]"
            errors.append(
                (f"rules[{index}].kind", f"规则类型重复，{seen} 已使用", f"repeats {seen}'s kind")
            )
        first_seen.setdefault(kind, index)
    return errors


def _rule_errors(path: str, rule: dict) -> list[tuple[str, str, str]]:
    errors = []
    if rule.get("kind") == "revenue_floor":
        errors += _amount_errors(f"{path}.min_revenue", rule.get("min_revenue"))
    if rule.get("kind") == "contract_window":
        errors += _window_errors(path, rule)
    if rule.get("kind") == "registered_region" and rule.get("scope") == "any" and "regions" in rule:
        zh, en = "scope 为 any 时不能列出 regions", "must not be given when scope is any"
        errors.append((f"{path}.regions", zh, en))
    return errors


def _decimal(value) -> Decimal | None:
    """The value as a Decimal if it is a well-formed decimal string (else the schema says so)."""
    if isinstance(value, str) and re.match(DECIMAL_PATTERN, value):
        return to_decimal(value)
    return None


def _places(value: Decimal) -> int:
    return max(0, -value.normalize().as_tuple().exponent)


def _amount_errors(path: str, value) -> list[tuple[str, str, str]]:
    amount = _decimal(value)
    if amount is None:
        return []
    if _places(amount) > 2:
        return [(path, "金额最多两位小数（到分）", "must have at most two decimal places (fen)")]
    if amount > MAX_AMOUNT:
        return [(path, f"金额不能超过 {MAX_AMOUNT}", f"must be at most {MAX_AMOUNT}")]
    return []


def _rate_errors(path: str, value) -> list[tuple[str, str, str]]:
    rate = _decimal(value)
    if rate is None:
        return []
    if _places(rate) > MAX_RATE_PLACES:
        return [(path, "比例最多四位小数", "must have at most four decimal places")]
    if not 0 < rate <= 1:
        return [(path, "比例应大于 0 且不超过 1", "must be greater than 0 and at most 1")]
    return []


def _date(value) -> date | None:
    """The value as a date if it is a real calendar date written YYYY-MM-DD."""
    if not (isinstance(value, str) and re.match(DATE_PATTERN, value)):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _window_errors(path: str, rule: dict) -> list[tuple[str, str, str]]:
    errors = []
    bounds = ("signed_from", "signed_to", "max_term_months")
    if not any(key in rule for key in bounds):
        errors.append(
            (
                path,
                "至少需要 signed_from、signed_to、max_term_months 之一",
                "needs at least one of signed_from, signed_to, max_term_months",
            )
        )
    for key in ("signed_from", "signed_to"):
        value = rule.get(key)
        if isinstance(value, str) and re.match(DATE_PATTERN, value) and _date(value) is None:
            errors.append((f"{path}.{key}", "不是有效的日期", "is not a valid calendar date"))
    start, end = _date(rule.get("signed_from")), _date(rule.get("signed_to"))
    if start and end and start > end:
        errors.append(
            (
                f"{path}.signed_from",
                f"不能晚于 signed_to（{end}）",
                f"must not be after signed_to ({end})",
            )
        )
    return errors


def canonical_rate(rate: Decimal) -> Decimal:
    """ "0.3" and "0.3000" -> 0.30, "0.125" stays: at least two places, no trailing zeros
    beyond them. Exact rescaling: validation already refused more than four places."""
    places = max(2, _places(rate))
    return rate.quantize(Decimal(1).scaleb(-places))


def _normalised(document: dict) -> dict:
    normal = copy.deepcopy(document)
    for rule in normal["rules"]:
        if "min_revenue" in rule:
            rule["min_revenue"] = str(yuan(rule["min_revenue"]))
    for tier in normal["rate_tiers"]:
        tier["rate"] = str(canonical_rate(to_decimal(tier["rate"])))
    return normal
