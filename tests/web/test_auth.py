"""Signing in and out, passwords, login throttling and the recent-authentication guard."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django.views import View

from web.auth import SESSION_KEY, RecentLoginRequiredMixin, recent_login_required

pytestmark = pytest.mark.django_db


def test_a_clerk_logs_in_and_lands_on_home(client, clerk):
    response = client.post("/accounts/login/", {"username": clerk.username, "password": "pass"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert SESSION_KEY in client.session


@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-hans", "用户名或密码不正确。"), ("en", "The username or the password is not correct.")],
)
def test_a_wrong_password_is_refused_in_the_page_language(client, clerk, language, message):
    client.cookies["django_language"] = language
    response = client.post("/accounts/login/", {"username": clerk.username, "password": "nope"})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_five_wrong_passwords_lock_the_account_out_even_with_the_right_one(client, clerk):
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": clerk.username, "password": "nope"})
    response = client.post("/accounts/login/", {"username": clerk.username, "password": "pass"})
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_successful_login_clears_the_failure_count(client, clerk):
    for _attempt in range(4):
        client.post("/accounts/login/", {"username": clerk.username, "password": "nope"})
    client.post("/accounts/login/", {"username": clerk.username, "password": "pass"})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": clerk.username, "password": "nope"})
    response = client.post("/accounts/login/", {"username": clerk.username, "password": "pass"})
    assert response.status_code == 302


def test_logging_out_ends_the_session(client, clerk):
    client.force_login(clerk)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_password_change_needs_the_old_password(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "wrong",
            "new_password1": "Xq9-long-pass",
            "new_password2": "Xq9-long-pass",
        },
    )
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in response.content.decode()
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "pass",
            "new_password1": "Xq9-long-pass",
            "new_password2": "Xq9-long-pass",
        },
    )
    assert response["Location"] == "/accounts/password/change/done/"


def test_a_password_reset_sends_a_link_that_sets_a_new_password(client, clerk):
    clerk.email = "clerk@xinghe.example"
    clerk.save()
    client.post("/accounts/password/reset/", {"email": clerk.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    form_url = client.get(link.replace("http://testserver", ""))["Location"]
    new_password = {"new_password1": "Xq9-long-pass", "new_password2": "Xq9-long-pass"}
    assert client.post(form_url, new_password)["Location"] == "/accounts/password/reset/complete/"
    clerk.refresh_from_db()
    assert clerk.check_password("Xq9-long-pass")


def test_pages_of_the_account_render_in_both_languages(client, english_client, clerk):
    for each in (client, english_client):
        each.force_login(clerk)
        for url in ("/accounts/password/change/", "/accounts/confirm/?next=/"):
            assert each.get(url).status_code == 200
        each.logout()
        for url in ("/accounts/login/", "/accounts/password/reset/"):
            assert each.get(url).status_code == 200


# The guard, on a view of its own so the test does not depend on any portal's pages.
@recent_login_required
def _money_action(request):
    return HttpResponse("done")


def _request(clerk, client, method="get", **headers):
    request = getattr(RequestFactory(), method)("/money/", **headers)
    request.user = clerk
    request.session = client.session
    request.htmx = "HTTP_HX_REQUEST" in headers
    return request


def test_a_fresh_login_may_move_money(client, clerk):
    client.force_login(clerk)
    assert _money_action(_request(clerk, client)).content == b"done"


def test_an_old_login_confirms_the_password_first_and_comes_back(client, clerk, settings):
    client.force_login(clerk)
    session = client.session
    session[SESSION_KEY] = timezone.now().timestamp() - 11 * 60
    session.save()
    response = _money_action(_request(clerk, client))
    assert response["Location"] == "/accounts/confirm/?next=%2Fmoney%2F"
    wrong = client.post("/accounts/confirm/", {"password": "nope", "next": "/money/"})
    assert "密码不正确。" in wrong.content.decode()
    right = client.post("/accounts/confirm/", {"password": "pass", "next": "/money/"})
    assert right["Location"] == "/money/"
    assert _money_action(_request(clerk, client)).content == b"done"


def test_an_old_login_posting_returns_to_the_form_page_after_confirming(client, clerk):
    client.force_login(clerk)
    session = client.session
    session[SESSION_KEY] = timezone.now().timestamp() - 11 * 60
    session.save()
    response = _money_action(
        _request(clerk, client, "post", HTTP_REFERER="http://testserver/form/")
    )
    assert response["Location"] == "/accounts/confirm/?next=%2Fform%2F"


def test_an_htmx_request_is_sent_to_confirm_with_a_whole_page_redirect(client, clerk):
    client.force_login(clerk)
    session = client.session
    del session[SESSION_KEY]
    session.save()
    response = _money_action(_request(clerk, client, HTTP_HX_REQUEST="true"))
    assert response["HX-Redirect"].startswith("/accounts/confirm/")


def test_confirming_refuses_to_send_the_user_to_another_site(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/accounts/confirm/", {"password": "pass", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


class _MoneyView(RecentLoginRequiredMixin, View):
    def get(self, request):
        return HttpResponse("done")


def test_the_mixin_guards_a_class_based_view_the_same_way(client, clerk):
    client.force_login(clerk)
    view = _MoneyView.as_view()
    assert view(_request(clerk, client)).content == b"done"
    session = client.session
    del session[SESSION_KEY]
    session.save()
    assert view(_request(clerk, client))["Location"].startswith("/accounts/confirm/")


def test_a_visitor_is_sent_to_log_in_before_anything_else(client, clerk):
    request = RequestFactory().get("/money/")
    request.user = AnonymousUser()
    request.session = client.session
    assert _money_action(request)["Location"] == "/accounts/login/?next=/money/"


# Retyping a password is guessing it too: the confirmation and the password change count
# failures with the sign-in, per (username, client address), behind a proxy as well.

CHANGE = {"new_password1": "Xq9-long-pass", "new_password2": "Xq9-long-pass"}


def confirm(client, password):
    return client.post("/accounts/confirm/", {"password": password, "next": "/money/"})


def change(client, old_password):
    return client.post("/accounts/password/change/", {"old_password": old_password, **CHANGE})


def test_five_wrong_confirmations_lock_out_even_the_right_password(client, clerk):
    client.force_login(clerk)
    session = client.session
    session[SESSION_KEY] = stale = timezone.now().timestamp() - 11 * 60
    session.save()
    assert [confirm(client, "nope").status_code for _ in range(5)] == [200] * 4 + [429]

    response = confirm(client, "pass")

    assert response.status_code == 429
    assert client.session[SESSION_KEY] == stale


def test_five_wrong_old_passwords_lock_out_the_password_change(client, clerk):
    client.force_login(clerk)
    assert [change(client, "nope").status_code for _ in range(5)] == [200] * 4 + [429]

    response = change(client, "pass")

    assert response.status_code == 429
    clerk.refresh_from_db()
    assert clerk.check_password("pass")


def test_the_right_confirmation_clears_the_count(client, clerk):
    client.force_login(clerk)
    for _attempt in range(4):
        confirm(client, "nope")
    assert confirm(client, "pass").status_code == 302
    assert [confirm(client, "nope").status_code for _ in range(4)] == [200] * 4


def test_failures_at_confirmation_and_at_sign_in_add_up(client, clerk):
    client.force_login(clerk)
    for _attempt in range(3):
        confirm(client, "nope")
    client.post("/accounts/logout/")
    for _attempt in range(2):
        client.post("/accounts/login/", {"username": clerk.username, "password": "nope"})
    response = client.post("/accounts/login/", {"username": clerk.username, "password": "pass"})
    assert response.status_code == 429


def sign_in(client, clerk, password, **address):
    return client.post(
        "/accounts/login/", {"username": clerk.username, "password": password}, **address
    )


def test_guesses_from_one_address_do_not_lock_out_the_user_at_another(client, clerk):
    for _attempt in range(5):
        sign_in(client, clerk, "nope", REMOTE_ADDR="198.51.100.66")
    assert sign_in(client, clerk, "pass", REMOTE_ADDR="198.51.100.66").status_code == 429
    assert sign_in(client, clerk, "pass", REMOTE_ADDR="203.0.113.7").status_code == 302


def test_behind_a_proxy_the_address_the_proxy_names_is_the_one_locked_out(client, clerk, settings):
    """Every request comes from the proxy (10.0.0.2); it names the client in X-Real-IP."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP", "REMOTE_ADDR")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _attempt in range(5):
        sign_in(client, clerk, "nope", HTTP_X_REAL_IP="198.51.100.66", **proxy)

    attacker = sign_in(client, clerk, "pass", HTTP_X_REAL_IP="198.51.100.66", **proxy)
    user = sign_in(client, clerk, "pass", HTTP_X_REAL_IP="203.0.113.7", **proxy)

    assert (attacker.status_code, user.status_code) == (429, 302)
