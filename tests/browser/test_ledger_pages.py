"""The government portal's books in a real browser, in Chinese and in English, on a
desktop and a phone: a voucher's ledger trace, the programme's accounts and entries, and
the audit log filtered; each screenshotted (tmp/screenshots/) and scanned with axe-core,
and none scrolls sideways on a phone."""

import pytest
from playwright.sync_api import expect

from tests import builders
from tests.authority.conftest import authenticator
from tests.browser.test_authority_journey import sign_in_with_totp, speak
from vouchers.services.applications import approve_application
from vouchers.services.redemption import redeem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_books_read_on_a_desktop_and_a_phone(
    page, phone_page, site_url, shot, check_a11y, language, programme, company, centre, bob, carol
):
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    voucher = approve_application(application=application, by=bob).voucher
    engineer = builders.member(f"erin-{language}", "provider_staff", provider=centre)
    for billed in ("100.00", "0.03", "2500.00"):
        redeem(voucher=voucher, billed_amount=billed, by=engineer)
    urls = {
        "trace": f"/authority/vouchers/{voucher.pk}/trace/",
        "accounts": f"/authority/ledger/{programme.pk}/?kind=reserve",
        "entries": f"/authority/ledger/{programme.pk}/entries/",
        "audit": f"/authority/audit/?object_type=voucher&object_id={voucher.pk}",
    }
    # A code is taken once (TOTP replay protection): the phone is carol's, another reviewer.
    for where, browser_page, officer in (("desktop", page, bob), ("phone", phone_page, carol)):
        speak(browser_page, site_url, language)
        sign_in_with_totp(browser_page, site_url, officer, authenticator(officer))
        for name, url in urls.items():
            browser_page.goto(site_url + url)
            expect(browser_page.locator("h1")).to_be_visible()
            shot(browser_page, f"{name}-{where}-{language}")
            check_a11y(browser_page)
            width = browser_page.evaluate("() => document.documentElement.scrollWidth")
            limit = 390 if where == "phone" else 1280
            assert width <= limit, f"{url} scrolls sideways on the {where} ({width}px)"
        browser_page.goto(site_url + urls["trace"])
        expect(browser_page.get_by_test_id("stage-redeemed")).to_contain_text("¥1,300.01")
