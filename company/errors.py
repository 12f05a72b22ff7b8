"""Errors shown in the reader's language.

The services speak both languages at once: a `DomainError` carries `zh` and `en`, and a
model's `clean_bilingual` error is a `config.errors.Bilingual` that keeps both halves. A
form shows only the half the reader chose, next to the field it names.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from config.errors import Bilingual, DomainError


def reads_chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def localised(message) -> str:
    """The reader's half of a bilingual message; other text (already in the reader's
    language, as gettext gives it) unchanged."""
    if isinstance(message, Bilingual):
        return pick(message.zh, message.en)
    return str(message)


def pick(zh: str, en: str) -> str:
    return zh if reads_chinese() else en


def readable(error: ValidationError) -> list[str]:
    """Each message of a (non-dict) ValidationError in the reader's language: its
    `message`, which keeps a Bilingual's halves where `messages` would flatten them."""
    return [
        localised(e.message) if not e.params else str(e.message % e.params)
        for e in error.error_list
    ]


def add_service_error(form, exc: DomainError | ValidationError) -> None:
    """Put a service's refusal next to the form field it names (or above the form)."""
    if isinstance(exc, DomainError):
        for error in getattr(exc, "errors", [exc]):  # DomainErrors: several fields at once
            _add(form, error.field, [pick(error.zh, error.en)])
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            _add(form, field, [m for e in errors for m in readable(e)])
        return
    _add(form, None, readable(exc))


def _add(form, field, messages) -> None:
    target = field if field in form.fields else None
    for message in messages:
        form.add_error(target, message)
