"""Validators for identifiers the platform accepts from people."""

import unicodedata

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from config.errors import bilingual

_MESSAGES = {
    stdnum_errors.InvalidLength: ("长度应为 18 位", "must be 18 characters long"),
    stdnum_errors.InvalidFormat: ("含有不允许的字符", "contains characters that are not allowed"),
    stdnum_errors.InvalidChecksum: ("校验位错误", "has a wrong check digit"),
    stdnum_errors.InvalidComponent: (
        "登记管理部门或机构类别代码无效",
        "has an invalid authority or kind code",
    ),
}


def normalise_credit_code(value: str) -> str:
    return uscc.compact(value or "")


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 per GB 32100-2015, check digit included (python-stdnum)."""
    try:
        uscc.validate(value)
    except stdnum_errors.ValidationError as exc:
        zh, en = _MESSAGES.get(type(exc), ("无效", "is invalid"))
        raise ValidationError(
            bilingual(f"统一社会信用代码{zh}", f"Unified Social Credit Code {en}"),
            code="invalid_credit_code",
        ) from exc


def validate_region_code(value: str) -> None:
    """GB/T 2260 administrative division code: six digits."""
    if not (isinstance(value, str) and len(value) == 6 and value.isdigit()):
        raise ValidationError(
            bilingual("行政区划代码应为 6 位数字", "region code must be six digits"),
            code="invalid_region",
        )


def validate_name(value: str) -> None:
    """A name someone can read: something visible, and no control characters (a NUL
    would not even reach PostgreSQL, a tab or newline breaks every list it is shown in)."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(
            bilingual("名称含有控制字符", "the name contains control characters"),
            code="control_characters",
        )
    visible = [ch for ch in value if not (ch.isspace() or unicodedata.category(ch) == "Cf")]
    if not visible:
        raise ValidationError(bilingual("名称不能为空白", "the name is blank"), code="blank_name")
