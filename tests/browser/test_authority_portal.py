"""The government portal in a real browser: an officer enrols an authenticator (the QR
drawn by the server), a reviewer signs in with a TOTP code and approves a lower amount,
in Chinese and in English, on a desktop and a phone. Every step is screenshotted
(tmp/screenshots/) and scanned with axe-core."""

from base64 import b32decode
from datetime import timedelta
from decimal import Decimal

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.models import Membership
from tests import builders
from tests.authority.conftest import authenticator, code_now
from vouchers.models import Programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def company(db):
    """Declared two months before applying, as in tests/authority: a declaration within
    30 days of applying is a warning of its own, which these journeys do not tick."""
    return builders.entity(declared_on=builders.TODAY - timedelta(days=60))


WORDS = {
    "zh-hans": {"approved": "已批准"},
    "en": {"approved": "pproved"},
}


def step(page, shot, check_a11y, name):
    shot(page, name)
    check_a11y(page)


def sign_in(page, site_url, user, language, words):
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": site_url}])
    page.goto(site_url + "/authority/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("pass")
    page.locator("main form button[type=submit]").click()


def press_submit(page, test_id=None):
    target = (
        page.get_by_test_id(test_id)
        if test_id
        else page.locator("main form button[type=submit]").first
    )
    target.click()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_reviewer_signs_in_with_totp_and_approves_a_lower_amount(
    page, phone_page, site_url, shot, check_a11y, language, programme, company, centre, chengdu
):
    words = WORDS[language]
    reviewer = builders.member(f"reviewer-{language}", Membership.Role.REVIEWER, authority=chengdu)
    device = authenticator(reviewer)
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )

    sign_in(page, site_url, reviewer, language, words)
    expect(page).to_have_url(f"{site_url}/authority/two-factor/?next=%2Fauthority%2F")
    step(page, shot, check_a11y, f"verify-{language}")
    page.locator("#id_code").fill("000000")
    press_submit(page)
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    step(page, shot, check_a11y, f"verify-refused-{language}")
    page.wait_for_timeout(1100)  # django-otp's throttle: one second after one failure
    page.locator("#id_code").fill(code_now(device))
    press_submit(page)
    expect(page).to_have_url(site_url + "/authority/")
    expect(page.get_by_test_id("waiting")).to_contain_text("1")
    step(page, shot, check_a11y, f"home-{language}")

    page.goto(site_url + "/authority/queue/")
    expect(page.get_by_test_id("matching")).to_contain_text("1")
    step(page, shot, check_a11y, f"queue-{language}")
    page.locator(f'a[href="/authority/applications/{application.pk}/"]').click()
    step(page, shot, check_a11y, f"application-{language}")
    page.locator("#id_amount").fill("30000")
    press_submit(page, "approve")
    expect(page.locator("#id_reason")).to_have_attribute("aria-invalid", "true")
    step(page, shot, check_a11y, f"approve-needs-reason-{language}")
    page.locator("#id_amount").fill("30000")
    page.locator("#id_reason").fill("合同含非算力费用 / the contract includes non-compute fees")
    press_submit(page, "approve")
    expect(page.get_by_test_id("status")).to_contain_text(words["approved"])
    expect(page.get_by_test_id("approved")).to_contain_text("¥30,000.00")
    step(page, shot, check_a11y, f"approved-{language}")

    # The same pages on a phone, in the same session.
    phone_page.context.add_cookies(page.context.cookies())
    for name, path in (
        ("queue", "/authority/queue/?status="),
        ("application", f"/authority/applications/{application.pk}/"),
        ("vouchers", "/authority/vouchers/"),
    ):
        phone_page.goto(site_url + path)
        step(phone_page, shot, check_a11y, f"{name}-phone-{language}")
        width = phone_page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"


def test_an_officer_enrols_an_authenticator_from_the_qr_page(
    page, site_url, shot, check_a11y, chengdu
):
    officer = builders.member("newcomer", Membership.Role.REVIEWER, authority=chengdu)
    sign_in(page, site_url, officer, "zh-hans", WORDS["zh-hans"])
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    step(page, shot, check_a11y, "enrol")
    key = b32decode(page.get_by_test_id("secret").inner_text().replace(" ", ""))
    page.locator("#id_code").fill(f"{totp(key):06d}")
    press_submit(page)
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    step(page, shot, check_a11y, "backup-codes")
    page.get_by_role("link", name="继续").click()
    expect(page).to_have_url(site_url + "/authority/")


def test_above_the_threshold_a_second_reviewer_confirms(
    page, browser, site_url, shot, check_a11y, programme, company, centre, chengdu
):
    Programme.objects.filter(pk=programme.pk).update(second_review_above=Decimal("20000.00"))
    first, second = (
        builders.member(name, Membership.Role.REVIEWER, authority=chengdu)
        for name in ("first-reviewer", "second-reviewer")
    )
    devices = {first: authenticator(first), second: authenticator(second)}
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    url = f"{site_url}/authority/applications/{application.pk}/"

    sign_in(page, site_url, first, "zh-hans", WORDS["zh-hans"])
    page.locator("#id_code").fill(code_now(devices[first]))
    press_submit(page)
    page.goto(url)
    press_submit(page, "approve")
    expect(page.get_by_test_id("first-approval")).to_be_visible()
    expect(page.get_by_test_id("status")).to_contain_text("已提交")
    step(page, shot, check_a11y, "first-approval")

    other = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    second_page = other.new_page()
    sign_in(second_page, site_url, second, "zh-hans", WORDS["zh-hans"])
    second_page.locator("#id_code").fill(code_now(devices[second]))
    press_submit(second_page)
    second_page.goto(url)
    step(second_page, shot, check_a11y, "second-reviewer-sees-it")
    press_submit(second_page, "approve")
    expect(second_page.get_by_test_id("status")).to_contain_text("已批准")
    expect(second_page.get_by_test_id("approved")).to_contain_text("¥50,000.00")
    step(second_page, shot, check_a11y, "confirmed")
    other.close()
