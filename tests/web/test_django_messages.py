"""Django's own form messages (password rules) read in the page's language."""

import pytest

pytestmark = pytest.mark.django_db

SHORT = {"old_password": "pass", "new_password1": "Xq9-a", "new_password2": "Xq9-a"}
COMMON = {"old_password": "pass", "new_password1": "password1", "new_password2": "password1"}
MISMATCH = {"old_password": "pass", "new_password1": "Xq9-long-pass", "new_password2": "Xq9-other"}


def change_password(client, user, data):
    client.force_login(user)
    return client.post("/accounts/password/change/", data).content.decode()


@pytest.mark.parametrize(
    "data, chinese",
    [
        (SHORT, "密码长度太短。密码必须包含至少 8 个字符。"),
        (COMMON, "这个密码太常见了。"),
        (MISMATCH, "输入的两个密码不一致。"),
    ],
)
def test_a_refused_new_password_is_explained_in_chinese(client, clerk, data, chinese):
    page = change_password(client, clerk, data)
    assert chinese in page
    assert "This password" not in page


@pytest.mark.parametrize(
    "data, english",
    [
        (SHORT, "This password is too short. It must contain at least 8 characters."),
        (COMMON, "This password is too common."),
        (MISMATCH, "The two password fields didn’t match."),
    ],
)
def test_a_refused_new_password_is_explained_in_english(english_client, clerk, data, english):
    page = change_password(english_client, clerk, data)
    assert english in page
