"""Every date field of every form renders its value as an ISO date: the browser's date
picker shows nothing for a value in the page language's format (2026/12/06 in Chinese),
so an officer paying a batch saw an empty date and the payment was refused."""

import datetime
import importlib
import inspect

from django import forms
from django.utils import translation

FORM_MODULES = [
    "company.forms",
    "payments.forms",
    "provider.forms",
    "recovery.forms",
    "authority.forms",
    "authority.builder.forms",
    "authority.builder.rule_forms",
]


def date_fields():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == name:
                for field_name, field in form.base_fields.items():
                    if isinstance(field, forms.DateField):
                        yield f"{name}.{form.__name__}.{field_name}", field


def test_every_date_field_renders_an_iso_date_in_chinese():
    fields = dict(date_fields())
    assert len(fields) >= 10  # the scan found the forms
    with translation.override("zh-hans"):
        wrong = [
            name
            for name, field in fields.items()
            if 'value="2026-12-06"' not in field.widget.render("d", datetime.date(2026, 12, 6))
            or 'type="date"' not in field.widget.render("d", None)
        ]
    assert wrong == []
