"""Form fields the builder shares: a share typed as people write it, and a list of codes."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from company.errors import pick
from config.errors import DomainError
from vouchers.money import parse_rate


class CheckboxList(forms.CheckboxSelectMultiple):
    """One Bootstrap `.form-check` row per choice (Django's own lists the inputs inside
    their labels, which the site's styles squeeze into a one-character column)."""

    template_name = "authority/widgets/checkbox_list.html"


class PercentField(forms.CharField):
    """`50`, `50%` or `0.5`: one half (vouchers.money.parse_rate decides)."""

    def __init__(self, **kwargs):
        # xgettext:no-python-format
        kwargs.setdefault("help_text", _("Type 50, 50% or 0.5."))
        super().__init__(**kwargs)
        self.widget.attrs["maxlength"] = "20"

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_rate(text, field="rate")
        except DomainError as exc:
            raise forms.ValidationError(pick(exc.zh, exc.en), code=exc.code) from exc

    def prepare_value(self, value):
        """A stored share (0.50) shows as the percentage people type (50%)."""
        from vouchers.rules.describe import percent_text_of

        if value in self.empty_values or isinstance(value, str) and not _is_share(value):
            return value
        return percent_text_of(value)


def _is_share(text: str) -> bool:
    return re.fullmatch(r"0?\.\d+|1(\.0+)?", text.strip()) is not None


class CodeListField(forms.CharField):
    """Codes separated by commas, spaces or 、 (`510100, 510107`), each checked."""

    def __init__(self, *, pattern: str = "", allowed: set | None = None, **kwargs):
        self.pattern, self.allowed = pattern, allowed
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value) or ""
        codes = list(dict.fromkeys(code for code in re.split(r"[\s,，、;；]+", text) if code))
        wrong = [code for code in codes if not self._valid(code)]
        if wrong:
            raise forms.ValidationError(
                pick(f"无效的代码：{'、'.join(wrong)}", f"not a valid code: {', '.join(wrong)}"),
                code="invalid_code",
            )
        return codes

    def _valid(self, code: str) -> bool:
        if self.allowed is not None:
            return code in self.allowed
        return re.fullmatch(self.pattern, code) is not None

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value
