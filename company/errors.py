"""Errors shown in the reader's language.

The services speak both languages at once: a `DomainError` carries `zh` and `en`, and a
model's `clean_bilingual` error reads "中文 / English". A form shows only the half the
reader chose, next to the field it names.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from config.errors import DomainError

SEPARATOR = " / "


def reads_chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def localised(message: str) -> str:
    """The reader's half of a bilingual "中文 / English" message; other text unchanged."""
    zh, separator, en = str(message).partition(SEPARATOR)
    if not separator:
        return str(message)
    return zh if reads_chinese() else en


def pick(zh: str, en: str) -> str:
    return zh if reads_chinese() else en


def add_service_error(form, exc: DomainError | ValidationError) -> None:
    """Put a service's refusal next to the form field it names (or above the form)."""
    if isinstance(exc, DomainError):
        for error in getattr(exc, "errors", [exc]):  # DomainErrors: several fields at once
            _add(form, error.field, [pick(error.zh, error.en)])
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            _add(form, field, [localised(m) for e in errors for m in e.messages])
        return
    _add(form, None, [localised(m) for m in exc.messages])


def _add(form, field, messages) -> None:
    target = field if field in form.fields else None
    for message in messages:
        form.add_error(target, message)
