"""Errors that name the field and speak both Chinese and English."""

from django.core.exceptions import ValidationError


def bilingual(zh: str, en: str) -> str:
    return f"{zh} / {en}"


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


def _both_languages(error: ValidationError) -> str:
    from django.utils.translation import override

    with override("zh-hans"):
        zh = "; ".join(error.messages)
    with override("en"):
        en = "; ".join(error.messages)
    return zh if zh == en else bilingual(zh, en)


def clean_bilingual(instance) -> None:
    """`full_clean()` whose errors name the field and read in Chinese and English."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            {
                field: [_both_languages(error) for error in errors]
                for field, errors in exc.error_dict.items()
            }
        ) from exc
