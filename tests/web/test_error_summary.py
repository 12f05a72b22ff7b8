"""A refused form opens with a summary of its errors, each a link to its field, that
site.js focuses (role="alert", tabindex="-1"), in both languages."""

import re

import pytest

from tests import builders

pytestmark = pytest.mark.django_db

REFUSED = {"old_password": "wrong", "new_password1": "Xq9-a", "new_password2": "Xq9-b"}


def summary(page: str) -> str:
    found = re.search(r'<div class="alert alert-danger error-summary"[^>]*>.*?</div>', page, re.S)
    assert found, "no error summary"
    return found.group(0)


def refused(client, user):
    client.force_login(user)
    return client.post("/accounts/password/change/", REFUSED).content.decode()


def test_a_refused_form_opens_with_a_focusable_summary_in_chinese(client, clerk):
    block = summary(refused(client, clerk))
    assert 'role="alert"' in block and 'tabindex="-1"' in block and "data-error-summary" in block
    assert "请更正以下内容" in block
    assert '<a href="#id_old_password">旧密码</a>' in block
    assert '<a href="#id_new_password2">' in block


def test_a_refused_form_opens_with_a_summary_in_english(english_client, clerk):
    block = summary(refused(english_client, clerk))
    assert "Please correct the following:" in block
    assert '<a href="#id_old_password">Old password</a>' in block


def test_the_summary_comes_before_the_fields(client, clerk):
    page = refused(client, clerk)
    assert page.index("data-error-summary") < page.index('name="old_password"')


def test_a_form_not_yet_sent_has_no_summary(client, clerk):
    client.force_login(clerk)
    assert "data-error-summary" not in client.get("/accounts/password/change/").content.decode()


def test_a_form_rendered_field_by_field_has_the_summary_too(client):
    client.force_login(builders.UserFactory(username="newcomer@example.com"))
    page = client.post("/company/register/", {"name": ""}).content.decode()
    assert '<a href="#id_credit_code">' in summary(page)
