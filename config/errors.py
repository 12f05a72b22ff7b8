"""Errors that name the field and speak both Chinese and English."""

from django.core.exceptions import ValidationError
from django.db import models


class Bilingual(str):
    """ "中文 / English" for readers of both (the API, the admin), keeping each half, so
    a page shows its reader's half without splitting the text."""

    def __new__(cls, zh: str, en: str):
        text = super().__new__(cls, f"{zh} / {en}")
        text.zh, text.en = zh, en
        return text


def bilingual(zh: str, en: str) -> str:
    return Bilingual(zh, en)


class DomainError(Exception):
    """A business rule refused an action. `field` names what the user must fix."""

    def __init__(self, field: str, zh: str, en: str, *, code: str = "invalid"):
        self.field, self.zh, self.en, self.code = field, zh, en, code
        super().__init__(f"{field}: {bilingual(zh, en)}")

    @property
    def message(self) -> str:
        return bilingual(self.zh, self.en)

    def as_validation_error(self) -> ValidationError:
        return ValidationError({self.field: ValidationError(self.message, code=self.code)})


class DomainErrors(DomainError):
    """Several refusals at once, each naming its field, so the user fixes them in one
    go. It is a DomainError too: a caller that reads one error reads the first."""

    def __init__(self, errors: list[DomainError]):
        first = errors[0]
        super().__init__(first.field, first.zh, first.en, code=first.code)
        self.errors = errors
        Exception.__init__(self, "; ".join(str(error) for error in errors))

    def as_validation_error(self) -> ValidationError:
        messages: dict[str, list] = {}
        for error in self.errors:
            messages.setdefault(error.field, []).append(
                ValidationError(error.message, code=error.code)
            )
        return ValidationError(messages)


def refuse_all(errors: list[DomainError]) -> None:
    """Raise every refusal collected (one as itself, several together); nothing if none."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DomainErrors(errors)


def clean_text(value, *, field: str):
    """Free text as it may be stored, or the field's refusal. PostgreSQL cannot store a
    NUL character and UTF-8 has no lone surrogate: without this check either arrives
    as a raw DataError or UnicodeEncodeError; SQLite would keep what PostgreSQL refuses."""
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        raise DomainError(
            field, "不能包含空字符（NUL）", "must not contain a NUL character", code="nul"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DomainError(
            field,
            "含有无效的 Unicode 字符（孤立的代理码位）",
            "contains an invalid Unicode character (a lone surrogate)",
            code="lone_surrogate",
        ) from exc
    return value


def unstorable_text(instance) -> list[DomainError]:
    """The refusal of each text field of a model instance that `clean_text` refuses."""
    errors = []
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            try:
                clean_text(getattr(instance, field.attname), field=field.name)
            except DomainError as error:
                errors.append(error)
    return errors


def _both_languages(error: ValidationError) -> str:
    from django.utils.translation import override

    with override("zh-hans"):
        zh = "; ".join(_half(e, "zh") for e in error.error_list)
    with override("en"):
        en = "; ".join(_half(e, "en") for e in error.error_list)
    return zh if zh == en else bilingual(zh, en)


def _half(error: ValidationError, language: str) -> str:
    """One message in the active language: a gettext message translates itself, a
    Bilingual one (a validator's) gives its half."""
    if isinstance(error.message, Bilingual):
        return getattr(error.message, language)
    return str(error.message % error.params if error.params else error.message)


def clean_bilingual(instance) -> None:
    """`full_clean()` whose errors name the field and read in Chinese and English; text
    the database cannot store is refused first, as a DomainError."""
    refuse_all(unstorable_text(instance))
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            {
                field: [_both_languages(error) for error in errors]
                for field, errors in exc.error_dict.items()
            }
        ) from exc
