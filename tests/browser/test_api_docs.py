"""The API's docs in a real browser: Swagger UI and Redoc render the schema with no
console error (the page fixture fails on any CSP violation or page error)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_shows_every_operation(page, site_url):
    page.goto(f"{site_url}/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() == 9


def test_redoc_shows_every_operation(page, site_url):
    page.goto(f"{site_url}/api/v1/redoc/")
    page.wait_for_selector("[data-section-id^='operation/']", timeout=15000)
    assert page.locator("[data-section-id^='operation/']").count() == 9
