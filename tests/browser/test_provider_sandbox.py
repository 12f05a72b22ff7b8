"""The sandbox in a real browser: a provider's engineer creates a test key on the keys
page, sees it once with the sandbox's vouchers, then finds it marked in the key list;
in Chinese and in English, on a desktop and a phone, each step screenshotted
(tmp/screenshots/) and scanned with axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_provider_portal import sign_in, step
from tests.provider.conftest import *  # noqa: F403 (the personas)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def create_a_test_key(page, site_url, shot, check_a11y, name):
    page.goto(site_url + "/provider/keys/")
    step(page, shot, check_a11y, f"keys-{name}")
    page.locator("#id_test-name").fill("sandbox")
    page.locator("main form[action$='/keys/create/'] button.btn-outline-primary").click()
    assert page.get_by_test_id("secret").inner_text().startswith("sk_test_")
    expect(page.get_by_test_id("sandbox-vouchers").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("sandbox-vouchers")).to_contain_text("SANDBOX-001")
    step(page, shot, check_a11y, f"test-key-shown-once-{name}")
    page.goto(site_url + "/provider/keys/")
    expect(page.get_by_test_id("sandbox-vouchers")).to_contain_text("50000.00")
    step(page, shot, check_a11y, f"keys-with-a-test-key-{name}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_engineer_creates_a_test_key_on_a_desktop(
    page, site_url, shot, check_a11y, centre_engineer, language
):
    sign_in(page, site_url, centre_engineer.username, language)
    create_a_test_key(page, site_url, shot, check_a11y, language)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_engineer_creates_a_test_key_on_a_phone(
    phone_page, site_url, shot, check_a11y, centre_engineer, language
):
    sign_in(phone_page, site_url, centre_engineer.username, language)
    create_a_test_key(phone_page, site_url, shot, check_a11y, f"phone-{language}")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the keys page scrolls sideways ({width}px)"
