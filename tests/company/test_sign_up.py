"""Signing up never says whether an e-mail is registered: a new and a registered address
get the same page; the mailbox gets either the link that creates the account or a note
that someone tried."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

FORM = {
    "display_name": "王经理",
    "password": "a-long-enough-passphrase",
    "password_again": "a-long-enough-passphrase",
}


def sign_up(email: str, language="en", url="/company/sign-up/"):
    client = Client()
    client.cookies["django_language"] = language
    return client.post(url, {**FORM, "email": email}, follow=True)


def link_in(message) -> str:
    return re.search(r"http://\S+/company/sign-up/confirm/\S+", message.body).group(0)


def page_of(response, email: str) -> str:
    """The page as anyone would compare it: the CSRF tokens and the address typed aside."""
    text = response.content.decode().replace(email, "<email>")
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_a_new_and_a_registered_email_get_the_same_answer(clerk):
    registered = sign_up(clerk.email)
    new = sign_up("newcomer@tianfu.example")

    assert registered.redirect_chain == new.redirect_chain == [("/company/sign-up/", 302)]
    assert page_of(registered, clerk.email) == page_of(new, "newcomer@tianfu.example")
    assert "Check your e-mail" in page_of(new, "newcomer@tianfu.example")
    assert "already registered" not in page_of(registered, clerk.email)


def test_the_registered_owner_hears_of_the_attempt_and_nothing_changes(
    clerk, django_capture_on_commit_callbacks
):
    password = clerk.password
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(clerk.email)

    [note] = mail.outbox
    assert note.to == [clerk.email] and "tried to sign up" in note.subject
    clerk.refresh_from_db()
    assert clerk.password == password


def test_the_link_creates_the_account_once_and_the_user_then_logs_in(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up("Wang@Tianfu.example")
    assert not User.objects.filter(username="wang@tianfu.example").exists()
    [message] = mail.outbox
    link = link_in(message)

    client = Client()
    followed = client.get(link, follow=True)

    assert followed.redirect_chain[-1][0] == "/accounts/login/?next=/company/register/"
    user = User.objects.get(username="wang@tianfu.example")
    assert user.check_password(FORM["password"]) and user.display_name == "王经理"
    assert AuditEvent.objects.filter(action="user.sign_up", object_id=str(user.pk)).exists()
    again = client.get(link, follow=True)
    assert "注册链接无效、已使用或已过期" in again.content.decode()
    assert User.objects.filter(username="wang@tianfu.example").count() == 1


def test_the_link_keeps_where_the_visitor_was_going(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up("x@tianfu.example", url="/company/sign-up/?next=/company/invitations/abc/")
    followed = Client().get(link_in(mail.outbox[0]))
    assert followed.url == "/accounts/login/?next=/company/invitations/abc/"


def test_a_made_up_link_creates_nothing(db):
    response = Client().get("/company/sign-up/confirm/made-up/", follow=True)
    assert "注册链接无效、已使用或已过期" in response.content.decode()
    assert not User.objects.exists()


def test_of_two_sign_ups_of_one_address_the_first_link_followed_counts(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up("twice@tianfu.example")
        sign_up("twice@tianfu.example")
    first, second = (link_in(m) for m in mail.outbox)

    Client().get(first)
    refused = Client().get(second, follow=True)

    assert "该邮箱的账户已创建" in refused.content.decode()
    assert User.objects.filter(email="twice@tianfu.example").count() == 1
