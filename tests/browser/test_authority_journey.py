"""The government portal's whole journey in a real browser, in Chinese and in English: a
new company is verified by a reviewer who signed in with a TOTP code, its application
shows a related-party warning that is ticked as seen, the reviewer approves a lower
amount, a second reviewer confirms it above the threshold, a visitor objects on the
public board (on a phone), the objection is dismissed, the notice ends and the company
sees its voucher (on a phone). Every step is screenshotted (tmp/screenshots/) and
scanned with axe-core."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from accounts.models import Entity, Membership
from tests import builders
from tests.authority.conftest import authenticator, code_now
from vouchers.models import Application, Programme
from vouchers.services import codes
from vouchers.services.applications import create_application, submit_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

WORDS = {
    "zh-hans": {"submitted": "已提交", "approved": "已批准", "notice": "公示中", "active": "有效"},
    "en": {
        "submitted": "Submitted",
        "approved": "pproved",
        "notice": "In public notice",
        "active": "Active",
    },
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def step(page, shot, check_a11y, name):
    shot(page, name)
    check_a11y(page)


def speak(page, site_url, language):
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": site_url}])


def press_submit(page, test_id=None):
    target = (
        page.get_by_test_id(test_id)
        if test_id
        else page.locator("main form button[type=submit]").first
    )
    target.click()


def sign_in_with_totp(page, site_url, user, device):
    page.goto(site_url + "/authority/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("pass")
    press_submit(page)
    expect(page.locator("#id_code")).to_be_visible()
    page.locator("#id_code").fill(code_now(device))
    press_submit(page)
    expect(page).to_have_url(site_url + "/authority/")


def newcomer(centre) -> Entity:
    """A self-registered company whose declared phone is the provider's: a related party.
    The sign-up and the business-licence upload are the company portal's journey
    (tests/browser/test_company_portal.py), so they are set up here with the services."""
    centre.phone = "028 8888 1234"
    centre.save()
    entity = builders.entity(
        name="成都新来科技有限公司",
        declared_on=builders.TODAY - timedelta(days=60),
        profile={"phone": "028-8888-1234"},
    )
    entity.verification = Entity.Verification.PROVISIONAL
    entity.business_licence.save("licence.pdf", SimpleUploadedFile("licence.pdf", PDF))
    return entity


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_new_company_is_verified_reviewed_twice_objected_to_and_gets_its_voucher(
    page, phone_page, browser, site_url, shot, check_a11y, language, chengdu, alice, centre
):
    words = WORDS[language]
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], public_notice_days=7
    )
    Programme.objects.filter(pk=programme.pk).update(second_review_above=Decimal("20000.00"))
    first, second = (
        builders.member(f"{name}-{language}", Membership.Role.REVIEWER, authority=chengdu)
        for name in ("first", "second")
    )
    devices = {first: authenticator(first), second: authenticator(second)}
    company = newcomer(centre)
    draft = create_application(
        entity=company,
        contract=builders.contract(entity=company, provider=centre),
        programme=programme,
        by=company.clerk,
    )

    # The first reviewer signs in with both factors and verifies the newcomer.
    speak(page, site_url, language)
    sign_in_with_totp(page, site_url, first, devices[first])
    page.goto(site_url + "/authority/verification/")
    expect(page.get_by_test_id("waiting")).to_contain_text(company.name)
    step(page, shot, check_a11y, f"verification-{language}")
    page.get_by_test_id("waiting").locator("form").first.locator("button").click()
    expect(page.get_by_test_id("waiting")).to_have_count(0)
    step(page, shot, check_a11y, f"verified-{language}")

    # Verified, the company submits (its own portal's journey, so through the service).
    submit_application(application=draft, by=company.clerk)
    application = Application.objects.get(pk=draft.pk)

    # The related-party warning is ticked as seen, then a lower amount is approved.
    page.goto(f"{site_url}/authority/applications/{application.pk}/")
    warning = page.get_by_test_id("warning-related_party")
    expect(warning).to_contain_text("0288***1234")
    step(page, shot, check_a11y, f"application-with-warning-{language}")
    unseen = page.get_by_test_id("warnings").locator("form button")
    for left in reversed(range(unseen.count())):
        unseen.first.click()
        expect(unseen).to_have_count(left)
    expect(warning.get_by_test_id("warning-seen")).to_be_visible()
    page.locator("#id_amount").fill("30000")
    page.locator("#id_reason").fill("合同含非算力费用 / the contract includes non-compute fees")
    press_submit(page, "approve")
    expect(page.get_by_test_id("first-approval")).to_be_visible()
    expect(page.get_by_test_id("status")).to_contain_text(words["submitted"])
    step(page, shot, check_a11y, f"first-approval-{language}")

    # A second, different reviewer confirms above the threshold: the voucher issues
    # into public notice.
    other = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    second_page = other.new_page()
    speak(second_page, site_url, language)
    sign_in_with_totp(second_page, site_url, second, devices[second])
    second_page.goto(f"{site_url}/authority/applications/{application.pk}/")
    press_submit(second_page, "approve")
    expect(second_page.get_by_test_id("status")).to_contain_text(words["approved"])
    expect(second_page.get_by_test_id("approved")).to_contain_text("¥30,000.00")
    step(second_page, shot, check_a11y, f"confirmed-{language}")
    other.close()
    voucher = Application.objects.get(pk=application.pk).voucher

    # A visitor objects on the public board, on a phone.
    speak(phone_page, site_url, language)
    phone_page.goto(f"{site_url}/public/{programme.code}/")
    step(phone_page, shot, check_a11y, f"board-phone-{language}")
    phone_page.get_by_test_id("object").first.click()
    phone_page.locator("#id_name").fill("王五")
    phone_page.locator("#id_contact").fill("13800000000")
    phone_page.locator("#id_text").fill("该企业与服务商为关联方 / related to the provider")
    step(phone_page, shot, check_a11y, f"objection-form-phone-{language}")
    phone_page.get_by_test_id("objection-form").locator("button[type=submit]").click()
    expect(phone_page.get_by_test_id("objection-form")).to_have_count(0)
    step(phone_page, shot, check_a11y, f"objection-sent-phone-{language}")

    # The first reviewer dismisses it with a reason and ends the notice.
    page.goto(f"{site_url}/authority/notice/{voucher.pk}/")
    expect(page.get_by_test_id("status")).to_contain_text(words["notice"])
    objection = page.get_by_test_id("objection")
    expect(objection).to_contain_text("13800000000")
    step(page, shot, check_a11y, f"objection-{language}")
    objection.locator(f"#dismiss-{voucher.objections.get().pk}").fill("非关联方 / not related")
    objection.locator("form").first.locator("button").click()
    expect(page.get_by_test_id("objection").locator("form")).to_have_count(0)
    step(page, shot, check_a11y, f"dismissed-{language}")
    end_early = page.get_by_test_id("end-early")
    end_early.locator("textarea, input[type=text]").first.fill("异议已处理 / objection answered")
    end_early.locator("button[type=submit]").click()
    expect(page.get_by_test_id("status")).to_contain_text(words["active"])
    step(page, shot, check_a11y, f"notice-ended-{language}")

    # The company sees its voucher, on a phone.
    phone_page.goto(site_url + "/accounts/login/")
    phone_page.locator("#id_username").fill(company.clerk.username)
    phone_page.locator("#id_password").fill("pass")
    phone_page.locator("main form button[type=submit]").click()
    phone_page.goto(site_url + "/company/vouchers/")
    link = phone_page.get_by_role("link", name=codes.display(voucher.code))
    expect(link).to_be_visible()
    step(phone_page, shot, check_a11y, f"wallet-phone-{language}")
    link.click()
    expect(phone_page.get_by_test_id("remaining")).to_have_text("¥30,000.00")
    step(phone_page, shot, check_a11y, f"voucher-phone-{language}")
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the voucher page scrolls sideways on a phone ({width}px)"
