"""Statuses read the same everywhere: a badge coloured by what the status means, with its
name written out; filter selects offer "全部/All", never "---------"; a favicon."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template

from company.services.notifications import scan_audit_trail
from vouchers.services.applications import return_application

pytestmark = pytest.mark.django_db


def badge(status, label="label"):
    thing = SimpleNamespace(status=status, get_status_display=lambda: label)
    return Template("{% load status %}{% status_badge thing %}").render(Context({"thing": thing}))


@pytest.mark.parametrize(
    "status, tone",
    [
        ("approved", "success"),
        ("active", "success"),
        ("paid", "success"),
        ("submitted", "info"),
        ("public_notice", "info"),
        ("verified", "info"),
        ("returned", "warning"),
        ("rejected", "danger"),
        ("revoked", "danger"),
        ("expired", "secondary"),
        ("draft", "secondary"),
        ("withdrawn", "secondary"),
    ],
)
def test_a_status_badge_is_coloured_by_its_meaning(status, tone):
    assert f'class="badge text-bg-{tone}"' in badge(status)


def test_a_status_badge_always_writes_the_status_out():
    assert ">已退回<" in badge("returned", "已退回")
    assert ">&lt;b&gt;<" in badge("draft", "<b>")  # escaped like any text


def test_the_applications_list_shows_badges_in_the_readers_language(
    as_clerk, as_clerk_en, application
):
    chinese = as_clerk.get("/company/applications/").content.decode()
    assert '<span class="badge text-bg-info" data-status="submitted">已提交</span>' in chinese
    english = as_clerk_en.get("/company/applications/").content.decode()
    assert '<span class="badge text-bg-info" data-status="submitted">Submitted</span>' in english


def test_an_application_page_shows_its_status_as_a_badge(as_clerk, application, bob):
    return_application(application=application, by=bob, note="请补充")
    page = as_clerk.get(f"/company/applications/{application.pk}/").content.decode()
    assert 'class="badge text-bg-warning" data-status="returned">退回补正<' in page


def first_option(page, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.search(r"<option[^>]*>(.*?)</option>", select).group(1)


@pytest.mark.parametrize(
    "url, name",
    [
        ("/company/applications/", "status"),
        ("/company/vouchers/", "status"),
        ("/company/claims/", "status"),
        ("/company/programmes/", "settlement_mode"),
        ("/company/inbox/", "unread"),
    ],
)
def test_filter_selects_offer_all_in_both_languages(as_clerk, as_clerk_en, url, name):
    chinese = as_clerk.get(url).content.decode()
    assert first_option(chinese, name) == "全部"
    assert "---------" not in chinese
    assert first_option(as_clerk_en.get(url).content.decode(), name) == "All"


def test_the_public_board_filter_offers_all(client, programme):
    page = client.get(f"/public/{programme.code}/").content.decode()
    assert first_option(page, "status") == "全部"


def test_the_inbox_shows_unread_read_or_all(as_clerk, application, clerk):
    scan_audit_trail()
    as_clerk.post(f"/company/inbox/{clerk.notifications.get().pk}/read/")
    count = lambda query: as_clerk.get(f"/company/inbox/{query}").context["page"].paginator.count  # noqa: E731
    assert (count("?unread=true"), count("?unread=false"), count("")) == (0, 1, 1)


def test_every_page_links_the_favicon(client):
    page = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/web/favicon\.[0-9a-f.]*svg"', page)
    assert finders.find("web/favicon.svg")
