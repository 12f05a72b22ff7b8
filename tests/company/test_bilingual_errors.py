"""One way to say a thing in two languages: pages show the reader's half of a service's
bilingual error by its halves (config.errors.Bilingual), choice labels are gettext
msgids, and no code splits text at " / "."""

import re
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts import industries
from accounts.models import Entity
from billing.models import ReconciliationException
from company.errors import add_service_error
from company.forms import CreditCodeField
from company.models import Claim
from config.errors import bilingual, clean_bilingual
from vouchers.models import Voucher

ROOT = Path(__file__).resolve().parents[2]


class NameForm(forms.Form):
    name = forms.CharField()


def refused(language, error):
    form = NameForm({"name": "x"})
    form.is_valid()
    with translation.override(language):
        add_service_error(form, error)
        return [str(m) for m in form.errors["name"]]


def test_a_service_error_shows_the_readers_half():
    error = ValidationError(
        {"name": [ValidationError(bilingual("名称不能为空白", "the name is blank"))]}
    )
    assert refused("zh-hans", error) == ["名称不能为空白"]
    assert refused("en", error) == ["the name is blank"]


def test_a_half_may_contain_a_slash():
    error = ValidationError({"name": [ValidationError(bilingual("A / B 不行", "A / B won't do"))]})
    assert refused("zh-hans", error) == ["A / B 不行"]
    assert refused("en", error) == ["A / B won't do"]


@pytest.mark.django_db
def test_clean_bilingual_keeps_a_validators_halves():
    entity = Entity(name=" ", credit_code="91510100000000000X", kind="enterprise")
    with pytest.raises(ValidationError) as caught:
        clean_bilingual(entity)
    message = caught.value.error_dict["name"][0].message
    assert (message.zh, message.en) == ("名称不能为空白", "the name is blank")
    assert message == "名称不能为空白 / the name is blank"  # what the API and admin read


def test_a_form_validator_shows_the_readers_half():
    field = CreditCodeField()
    for language, words in [("zh-hans", "统一社会信用代码"), ("en", "Unified Social Credit Code")]:
        with translation.override(language), pytest.raises(ValidationError) as caught:
            field.clean("91510100MA0000000Z")
        assert caught.value.messages[0].startswith(words)
        assert " / " not in caught.value.messages[0]


def test_industry_labels_follow_the_reader():
    label = dict(industries.CHOICES)["65"]
    with translation.override("zh-hans"):
        assert str(label) == "65 软件和信息技术服务业"
    with translation.override("en"):
        assert str(label).startswith("65 Software")


@pytest.mark.parametrize(
    "label, english, chinese",
    [
        (Entity.Kind.ENTERPRISE.label, "Enterprise", "企业"),
        (Claim.Status.PAID.label, "Paid", "已兑付"),  # not the paid-on column's 兑付时间
        (ReconciliationException.Status.OPEN.label, "Open", "待处理"),  # not the button's 查看
        (Voucher.Status.PUBLIC_NOTICE.label, "In public notice", "公示中"),
    ],
)
def test_choice_labels_are_msgids(label, english, chinese):
    with translation.override("en"):
        assert str(label) == english
    with translation.override("zh-hans"):
        assert str(label) == chinese


def test_no_code_splits_text_at_a_slash():
    splits = re.compile(r"""(split|partition)\(\s*['"] / ['"]""")
    skipped = {".venv", ".git", "tmp", "tests", "staticfiles", "node_modules"}
    sources = [
        path
        for top in ROOT.iterdir()
        if top.is_dir() and top.name not in skipped
        for path in top.rglob("*.py")
        if "migrations" not in path.parts
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if splits.search(line)
    ]
    assert found == []
