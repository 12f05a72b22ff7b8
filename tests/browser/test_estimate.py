"""The application form's live estimate in a browser: it waits for the whole contract,
follows what is typed, and never leaves an old result on screen when a field is
emptied again."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language, missing", [("zh-hans", "合同编号"), ("en", "Contract number")])
def test_the_estimate_follows_the_contract_as_typed(
    page, site_url, shot, check_a11y, clerk, programme, language, missing
):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site_url}])
    page.goto(site_url + "/accounts/login/")
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", "pass")
    page.locator("main form button[type=submit]").click()
    page.goto(site_url + f"/company/programmes/{programme.pk}/apply/")
    expect(page.get_by_test_id("estimate-missing")).to_be_visible()
    expect(page.locator("#id_value")).to_have_value("")

    page.fill("#id_number", "HT-LIVE-1")
    page.fill("#id_signed_on", "2024-03-01")
    page.fill("#id_service_start", "2024-03-01")
    page.fill("#id_service_end", "2024-12-31")
    page.fill("#id_value", "200000.00")
    expect(page.get_by_test_id("estimate")).to_contain_text("¥100,000.00")
    expect(page.get_by_test_id("trace")).to_contain_text("HT-LIVE-1")
    shot(page, f"{language}-estimate")
    check_a11y(page)

    page.fill("#id_number", "")
    expect(page.get_by_test_id("estimate-missing")).to_contain_text(missing)
    expect(page.get_by_test_id("estimate")).to_have_count(0)
    shot(page, f"{language}-estimate-waiting")
