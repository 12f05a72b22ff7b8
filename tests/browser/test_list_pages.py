"""Every list page read on a 390 px phone, in Chinese and in English: rows stack into
cards, so nothing scrolls sideways and no amount is cut off. Each page is screenshotted
(tmp/screenshots/) and scanned with axe-core; a refused form focuses its error summary."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from company.models import CompanyAccount
from company.services.claims import file_claim
from company.services.invitations import invite_colleague
from company.services.notifications import scan_audit_trail
from tests import builders
from tests.company.conftest import PDF, PNG, upload
from vouchers.services.applications import approve_application
from vouchers.services.redemption import redeem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def busy_company(chengdu, alice, bob, centre, centre_engineer, company, noticed_award):
    """星河 with something on every list: applications, a voucher (a large one, so its
    amounts are long), a reimburse claim, notifications, a colleague's invitation."""
    clerk = company.clerk
    CompanyAccount.objects.create(entity=company, admin=clerk, region_code="510100")
    programme = builders.programme(
        authority=chengdu,
        manager=alice,
        providers=[centre],
        settlement_mode="reimburse",
        code="reimburse-2024",
    )
    application = builders.submitted_application(
        programme=programme,
        entity=company,
        provider=centre,
        value="1800000.00",
        number="HT-2024-SCZS-000123",
    )
    voucher = approve_application(application=application, by=bob).voucher
    redeem(voucher=voucher, billed_amount=Decimal("10000.00"), by=centre_engineer)
    builders.submitted_application(programme=programme, entity=company, provider=centre)
    claim = file_claim(
        entity=company,
        voucher=voucher,
        by=clerk,
        invoice_number="04400000000000012345",
        invoice_date=date(2024, 5, 31),
        invoice_amount=Decimal("10000.00"),
        amount=Decimal("5000.00"),
        service_start=date(2024, 5, 1),
        service_end=date(2024, 5, 31),
        invoice_file=upload("invoice.pdf", PDF),
        delivery_proof=upload("proof.png", PNG, "image/png"),
    )
    invite_colleague(
        entity=company,
        by=clerk,
        email="a.colleague.with.a.long.address@xinghe-intelligence.example",
    )
    scan_audit_trail()
    return clerk, voucher, claim


LIST_PAGES = [
    ("applications", "/company/applications/"),
    ("vouchers", "/company/vouchers/"),
    ("claims", "/company/claims/"),
    ("inbox", "/company/inbox/"),
    ("declarations", "/company/declarations/"),
    ("team", "/company/team/"),
    ("catalogue", "/company/programmes/"),
    ("board", "/public/"),
    ("board-awards", "/public/chengdu-2024/"),
]


def log_in(page, site_url, user, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site_url}])
    page.goto(site_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pass")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main form[action$='/accounts/login/']")).to_have_count(0)


# Overflow hidden inside a scrolling box is as bad as a page that scrolls sideways: the
# amount at the end of the row is out of sight.
HIDDEN_SIDEWAYS = """() => [...document.querySelectorAll('.table-responsive, main *')]
    .filter(e => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1)
    .filter(e => getComputedStyle(e).overflowX !== 'visible')
    .map(e => e.className || e.tagName)"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_list_page_fits_a_phone(
    phone_page, site_url, shot, check_a11y, busy_company, language
):
    clerk, voucher, claim = busy_company
    log_in(phone_page, site_url, clerk, language)
    tables = [
        ("voucher", f"/company/vouchers/{voucher.pk}/"),
        ("claim", f"/company/claims/{claim.pk}/"),
    ]
    for name, path in LIST_PAGES + tables:
        phone_page.goto(site_url + path)
        shot(phone_page, f"{language}-{name}")
        check_a11y(phone_page)
        width = phone_page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{path} scrolls sideways on a phone ({width}px)"
        assert phone_page.evaluate(HIDDEN_SIDEWAYS) == [], f"{path} hides a column sideways"


@pytest.mark.parametrize(
    "language, heading", [("zh-hans", "请更正以下内容"), ("en", "Please correct")]
)
def test_a_refused_form_focuses_its_error_summary(
    page, site_url, shot, check_a11y, clerk, language, heading
):
    log_in(page, site_url, clerk, language)
    page.goto(site_url + "/accounts/password/change/")
    page.fill("#id_old_password", "wrong")
    page.locator("main form button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(heading)
    shot(page, f"{language}-error-summary")
    check_a11y(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_old_password")).to_be_focused()
