"""The dashboard in a real browser: a reviewer signs in with a TOTP code and reads the
budgets, the burn-down with its forecast drawn (ECharts, from a static file: no inline
script under the CSP), the waiting applications with the overdue band highlighted and the
top lists by name; in Chinese and English, on a desktop and a phone, scanned with axe-core."""

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from tests import builders
from tests.authority.conftest import authenticator, code_now
from tests.billing.conftest import issue
from tests.browser.test_authority_portal import press_submit, sign_in, step
from vouchers.models import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = timezone.make_aware(datetime(2024, 6, 1, 10))  # TODAY's morning


@pytest.fixture
def clock():
    """The wall clock on TODAY (the server's too: it runs in this process)."""
    moment = [NOW]
    with mock.patch("django.utils.timezone.now", side_effect=lambda: moment[0]):
        yield moment


@pytest.fixture
def history(request, clock, company, centre, chengdu):
    """A programme published six weeks ago, vouchers committed in each week since, one
    application waiting 19 working days and one filed today."""
    clock[0] = NOW - timedelta(weeks=6)
    programme = request.getfixturevalue("programme")
    reviewer = builders.member("vera", Membership.Role.REVIEWER, authority=chengdu)
    for week in range(5, 0, -1):
        clock[0] = NOW - timedelta(weeks=week)
        entity = company if week == 5 else builders.entity()
        issue(programme, entity, centre, reviewer, f"HT-DASH-{week}", value=f"{week * 400000}.00")
    clock[0] = NOW
    late = builders.submitted_application(
        programme=programme, entity=builders.entity(), provider=centre, number="HT-LATE"
    )
    Application.objects.filter(pk=late.pk).update(
        submitted_at=timezone.make_aware(datetime(2024, 5, 6, 10))
    )
    builders.submitted_application(
        programme=programme, entity=builders.entity(), provider=centre, number="HT-NEW"
    )
    return programme


WORDS = {
    "zh-hans": {"title": "数据看板", "assumes": "假设保持近"},
    "en": {"title": "Dashboard", "assumes": "Assumes the average net commitment"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_reviewer_reads_the_dashboard_on_a_desktop_and_a_phone(
    page, phone_page, site_url, shot, check_a11y, language, history, chengdu
):
    words = WORDS[language]
    officer = builders.member(f"dash-{language}", Membership.Role.REVIEWER, authority=chengdu)
    device = authenticator(officer)

    sign_in(page, site_url, officer, language, words)
    page.locator("#id_code").fill(code_now(device))
    press_submit(page)
    expect(page).to_have_url(site_url + "/authority/")
    page.goto(site_url + "/authority/dashboard/")

    expect(page.locator("h1")).to_have_text(words["title"])
    expect(page.get_by_test_id("assumption")).to_contain_text(words["assumes"])
    expect(page.locator("[data-burndown] canvas")).to_be_visible()
    expect(page.locator("[data-chart] canvas").first).to_be_visible()
    expect(page.get_by_test_id("overdue")).to_have_class("table-danger")
    expect(page.get_by_test_id("top-districts")).to_contain_text(
        "成都市" if language == "zh-hans" else "Chengdu"
    )
    step(page, shot, check_a11y, f"dashboard-{language}")

    phone_page.context.add_cookies(page.context.cookies())
    phone_page.goto(site_url + f"/authority/dashboard/?programme={history.pk}")
    expect(phone_page.locator("[data-burndown] canvas")).to_be_visible()
    step(phone_page, shot, check_a11y, f"dashboard-phone-{language}")
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the dashboard scrolls sideways on a phone ({width}px)"
