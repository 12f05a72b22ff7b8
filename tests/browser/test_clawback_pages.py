"""The claw-back pages in a real browser, in Chinese and in English: a reviewer records a
finding on a paid redemption (evidence uploaded) on a desktop; a finance officer records
a repayment on a phone. Screenshots in tmp/screenshots/, axe-core on every step."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from billing.models import Settlement
from billing.reconcile import reconcile
from billing.settlements import approve_settlement, build_settlements
from tests import builders
from tests.authority.conftest import authenticator
from tests.billing.conftest import issue, send, usage
from tests.browser.test_authority_journey import sign_in_with_totp, speak
from tests.company.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def paid_june(programme, company, centre, bob, fiona):
    issue(programme, company, centre, bob, "HT-2024-001")
    send(centre, [usage(record_id="a", amount="100.00")])
    reconcile()
    build_settlements(period="2024-06")
    june = approve_settlement(settlement=Settlement.objects.get(), by=bob)
    builders.paid_through_batch(june, by=fiona)


def step(page, shot, check_a11y, name):
    shot(page, name)
    check_a11y(page)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_finding_is_recorded_and_repaid(
    page, phone_page, site_url, shot, check_a11y, language, chengdu, programme, company,
    centre, bob, tmp_path, settings,
):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    fiona = builders.member("fiona", Membership.Role.FINANCE_OFFICER, authority=chengdu)
    paid_june(programme, company, centre, bob, fiona)
    evidence = Path(tmp_path / "audit-report.pdf")
    evidence.write_bytes(PDF)

    speak(page, site_url, language)
    sign_in_with_totp(page, site_url, bob, authenticator(bob))
    page.goto(f"{site_url}/authority/recovery/findings/new/")
    page.locator("#id_record").fill("a")
    page.locator("#id_amount").fill("20.00")
    page.locator("#id_reason").fill("审计发现重复计费 / billed twice")
    page.locator("#id_evidence").set_input_files(str(evidence))
    step(page, shot, check_a11y, f"finding-form-{language}")
    page.get_by_test_id("record-finding").click()
    expect(page.get_by_test_id("outstanding")).to_contain_text("20.00")
    step(page, shot, check_a11y, f"receivable-{language}")
    page.goto(f"{site_url}/authority/recovery/")
    expect(page.get_by_test_id("receivables")).to_contain_text("20.00")
    step(page, shot, check_a11y, f"receivables-{language}")

    speak(phone_page, site_url, language)
    sign_in_with_totp(phone_page, site_url, fiona, authenticator(fiona))
    phone_page.goto(f"{site_url}/authority/recovery/")
    phone_page.get_by_test_id("receivables").locator("a").first.click()
    phone_page.locator("#id_repay-amount").fill("8.00")
    phone_page.locator("#id_repay-bank_reference").fill("ICBC-778")
    phone_page.locator("#id_repay-repaid_on").fill("2024-05-30")
    phone_page.get_by_test_id("repay").click()
    expect(phone_page.get_by_test_id("outstanding")).to_contain_text("12.00")
    step(phone_page, shot, check_a11y, f"receivable-repaid-phone-{language}")
