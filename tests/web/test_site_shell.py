"""The site shell: home, layout, language, money formatting."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template

pytestmark = pytest.mark.django_db


def test_home_tells_a_visitor_what_the_platform_is(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "算力券服务平台" in html
    assert 'href="/public/"' in html
    assert 'href="/accounts/login/"' in html


def test_home_is_in_english_when_asked(english_client):
    html = english_client.get("/").content.decode()
    assert "Compute Voucher Service Platform" in html
    assert '<html lang="en">' in html


def test_the_language_choice_is_remembered(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Log in" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "登录" in client.get("/").content.decode()


def test_home_shows_the_signed_in_user_and_their_organisation(client, clerk, company):
    client.force_login(clerk)
    html = client.get("/").content.decode()
    assert company.name in html
    assert "退出" in html


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("1000000.00"), "¥1,000,000.00"),
        (Decimal("0"), "¥0.00"),
        (Decimal("-12.5"), "-¥12.50"),
        (Decimal("0.123"), "¥0.123"),
        (None, "—"),
    ],
)
def test_money_is_shown_in_yuan_exactly(amount, shown):
    rendered = Template("{% load yuan %}{{ amount|yuan }}").render(Context({"amount": amount}))
    assert rendered == shown


def test_money_refuses_a_float():
    with pytest.raises(TypeError):
        Template("{% load yuan %}{{ amount|yuan }}").render(Context({"amount": 1.5}))


def test_every_page_carries_a_csp_without_inline_script(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_auth_pages_show_the_platform_name_not_the_host(client):
    assert "算力券服务平台" in client.get("/accounts/login/").content.decode()


def test_htmx_requests_carry_the_csrf_token_from_the_body(client):
    html = client.get("/").content.decode()
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[A-Za-z0-9]{64}\"\}'", html)


def test_an_english_browser_still_lands_on_the_chinese_site(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page


def test_the_visitors_own_choice_of_english_is_kept(client):
    client.cookies["django_language"] = "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in page
