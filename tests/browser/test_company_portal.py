"""The company portal in a real browser: a company signs up, registers, declares, checks
its eligibility, applies and submits, in Chinese and again in English, and the pages
fit a phone. Every step is screenshotted (tmp/screenshots/) and scanned with axe-core."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Entity, Membership
from authority.services.verification import verify_entity
from config.celery import app
from tests import builders
from vouchers.services import codes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def evidence(tmp_path) -> Path:
    path = tmp_path / "annual-report.pdf"
    path.write_bytes(PDF)
    return path


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def tasks_in_process():
    """The sign-up e-mail is sent in-process (into mail.outbox) even with REDIS_URL."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


WORDS = {
    "zh-hans": {"eligible": "符合条件", "estimate": "预计可获补贴", "submitted": "已提交"},
    "en": {"eligible": "Eligible", "estimate": "estimated entitlement", "submitted": "Submitted"},
}


def submit_form(page):
    page.locator("main form[method=post] button[type=submit]").last.click()


def step(page, shot, check_a11y, name):
    shot(page, name)
    check_a11y(page)


def sign_up_to_submission(page, site_url, shot, check_a11y, language, programme, evidence, bob):
    words = WORDS[language]
    page.goto(site_url + "/company/sign-up/")
    step(page, shot, check_a11y, "sign-up")
    email = f"manager-{language}@tianfu.example"
    page.fill("#id_email", email)
    page.fill("#id_display_name", "王经理")
    page.fill("#id_password", "a-long-enough-passphrase")
    page.fill("#id_password_again", "a-long-enough-passphrase")
    submit_form(page)

    # "Check your e-mail"; the link in it creates the account, then the user logs in.
    expect(page).to_have_url(site_url + "/company/sign-up/")
    step(page, shot, check_a11y, "sign-up-check-email")
    link = re.search(r"/company/sign-up/confirm/\S+", mail.outbox[-1].body).group(0)
    page.goto(site_url + link)
    page.fill("#id_username", email)
    page.fill("#id_password", "a-long-enough-passphrase")
    submit_form(page)

    expect(page).to_have_url(site_url + "/company/register/")
    page.fill("#id_name", f"成都天府模型科技有限公司（{language}）")
    page.fill("#id_credit_code", "91510100MA6CGUT70D")
    expect(page.get_by_test_id("credit-code-error")).to_be_visible()
    step(page, shot, check_a11y, "register-credit-code-refused")
    page.fill("#id_credit_code", builders.credit_code())
    expect(page.get_by_test_id("credit-code-ok")).to_be_visible()
    page.select_option("#id_kind", "enterprise")
    page.fill("#id_region_code", "510100")
    page.fill("#id_legal_representative", "王五")
    page.set_input_files("#id_business_licence", str(evidence))
    step(page, shot, check_a11y, "register")
    submit_form(page)

    expect(page).to_have_url(site_url + "/company/declarations/new/")
    page.fill("#id_employees", "80")
    page.select_option("#id_industry", "65")
    page.fill("#id_prior_year_revenue", "30000000.00")
    page.set_input_files("#id_evidence", str(evidence))
    step(page, shot, check_a11y, "declare")
    submit_form(page)
    expect(page).to_have_url(site_url + "/company/declarations/")
    step(page, shot, check_a11y, "declarations")

    page.goto(site_url + "/company/programmes/")
    step(page, shot, check_a11y, "catalogue")
    page.get_by_test_id("programme-card").first.get_by_role("link").first.click()
    expect(page.get_by_test_id("estimate-missing")).to_be_visible()
    page.fill("#id_value", "100000.00")
    expect(page.get_by_test_id("estimate")).to_contain_text(words["eligible"])
    expect(page.get_by_test_id("trace")).to_be_visible()
    step(page, shot, check_a11y, "eligibility")

    page.goto(site_url + f"/company/programmes/{programme.pk}/apply/")
    page.fill("#id_number", f"HT-{language}-001")
    page.fill("#id_signed_on", "2024-03-01")
    page.fill("#id_service_start", "2024-03-01")
    page.fill("#id_service_end", "2024-12-31")
    page.select_option("#id_purpose", "model_training")
    page.fill("#id_value", "246913.57")
    expect(page.get_by_test_id("estimate")).to_contain_text("¥123,456.78")
    expect(page.get_by_test_id("estimate")).to_contain_text(words["estimate"])
    step(page, shot, check_a11y, "apply-live-estimate")
    submit_form(page)

    expect(page.get_by_test_id("status")).to_be_visible()
    step(page, shot, check_a11y, "draft")
    # A new entity drafts but submits only once an officer has checked its business
    # licence (the government portal's own journey drives that page).
    verify_entity(entity=Entity.objects.get(name__endswith=f"（{language}）"), by=bob)
    page.reload()
    page.get_by_test_id("submit").click()
    step(page, shot, check_a11y, "confirm-submit")
    submit_form(page)
    expect(page.get_by_test_id("status")).to_contain_text(words["submitted"])
    expect(
        page.get_by_test_id("timeline").locator('[data-action="application.submitted"]')
    ).to_be_visible()
    step(page, shot, check_a11y, "submitted")

    page.goto(site_url + "/company/applications/")
    step(page, shot, check_a11y, "applications")


def test_a_company_applies_in_chinese(page, site_url, shot, check_a11y, programme, evidence, bob):
    sign_up_to_submission(page, site_url, shot, check_a11y, "zh-hans", programme, evidence, bob)


def test_a_company_applies_in_english(
    page, site_url, shot, check_a11y, programme, evidence, live_server, bob
):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": site_url}])
    sign_up_to_submission(page, site_url, shot, check_a11y, "en", programme, evidence, bob)


def test_the_portal_fits_a_phone(phone_page, site_url, shot, check_a11y, voucher_owner):
    clerk, voucher = voucher_owner
    phone_page.goto(site_url + "/accounts/login/")
    phone_page.fill("#id_username", clerk.username)
    phone_page.fill("#id_password", "pass")
    phone_page.locator("main form button[type=submit]").click()
    for name, path in [
        ("home", "/company/"),
        ("catalogue", "/company/programmes/"),
        ("wallet", "/company/vouchers/"),
        ("voucher", f"/company/vouchers/{voucher.pk}/"),
        ("applications", "/company/applications/"),
        ("declarations", "/company/declarations/"),
        ("inbox", "/company/inbox/"),
    ]:
        phone_page.goto(site_url + path)
        step(phone_page, shot, check_a11y, f"phone-{name}")
        width = phone_page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"


@pytest.fixture
def voucher_owner(programme, company, centre, bob, centre_engineer):
    from decimal import Decimal

    from vouchers.services.applications import approve_application
    from vouchers.services.redemption import redeem

    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    voucher = approve_application(application=application, by=bob).voucher
    redeem(voucher=voucher, billed_amount=Decimal("10000.00"), by=centre_engineer)
    return company.clerk, voucher


@pytest.fixture
def reimbursed_voucher(chengdu, alice, centre, company, bob, centre_engineer):
    """星河's voucher in a reimburse programme, 5,000 yuan already redeemed."""
    from decimal import Decimal

    from vouchers.services.applications import approve_application
    from vouchers.services.redemption import redeem

    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], settlement_mode="reimburse"
    )
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    voucher = approve_application(application=application, by=bob).voucher
    redeem(voucher=voucher, billed_amount=Decimal("10000.00"), by=centre_engineer)
    return voucher


def log_in(page, site_url, user):
    page.goto(site_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pass")
    page.locator("main form button[type=submit]").click()


def test_a_company_reads_its_voucher_and_files_a_claim(
    page, site_url, shot, check_a11y, reimbursed_voucher, company, evidence
):
    log_in(page, site_url, company.clerk)
    page.goto(site_url + "/company/vouchers/")
    step(page, shot, check_a11y, "wallet")
    page.get_by_role("link", name=codes.display(reimbursed_voucher.code)).click()
    expect(page.get_by_test_id("remaining")).to_have_text("¥45,000.00")
    expect(page.locator(".chart svg, .chart canvas").first).to_be_visible()
    step(page, shot, check_a11y, "voucher-with-chart")
    page.get_by_role("link", name="提交报销").click()
    page.fill("#id_invoice_number", "04400001")
    page.fill("#id_invoice_date", "2024-05-31")
    page.fill("#id_invoice_amount", "10000.00")
    page.fill("#id_amount", "5000.00")
    page.fill("#id_service_start", "2024-05-01")
    page.fill("#id_service_end", "2024-05-31")
    page.set_input_files("#id_invoice_file", str(evidence))
    page.set_input_files("#id_delivery_proof", str(evidence))
    step(page, shot, check_a11y, "claim-form")
    submit_form(page)
    expect(page.get_by_test_id("status")).to_have_text("已提交")
    step(page, shot, check_a11y, "claim-filed")


def test_a_clerk_of_two_entities_switches_between_them(
    page, phone_page, site_url, shot, check_a11y, company
):
    rival = builders.entity(name="成都蜀光医疗影像科技有限公司")
    Membership.objects.create(user=company.clerk, role=Membership.Role.ENTITY_STAFF, entity=rival)
    log_in(page, site_url, company.clerk)
    page.goto(site_url + "/company/")
    page.get_by_role("button", name="申报端").click()
    expect(page.get_by_test_id("acting-for")).to_have_text(f"当前代表：{company.name}")
    step(page, shot, check_a11y, "entity-menu")

    page.get_by_role("button", name=f"切换到{rival.name}").click()

    expect(page.locator("main")).to_contain_text(f"已切换：现代表{rival.name}办理。")
    expect(page.locator("main h1")).to_contain_text(rival.name)
    step(page, shot, check_a11y, "switched")
    log_in(phone_page, site_url, company.clerk)
    phone_page.goto(site_url + "/company/")
    phone_page.locator(".navbar-toggler").click()
    expect(phone_page.locator("#site-nav")).to_have_class(re.compile(r"\bshow\b"))
    phone_page.get_by_role("button", name="申报端").click()
    expect(phone_page.get_by_test_id("acting-for")).to_be_visible()
    expect(phone_page.get_by_role("button", name=f"切换到{rival.name}")).to_be_visible()
    step(phone_page, shot, check_a11y, "phone-entity-menu")
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the open menu scrolls sideways on a phone ({width}px)"
