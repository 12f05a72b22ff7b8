"""Money going out, in a real browser, in Chinese and in English (issue 15): a Beijing
company files a reimburse claim and a reviewer approves it; the provider's statement of a
quarterly programme of the same authority is built; one finance officer prepares a
payment batch with both, another approves and pays it; the company sees its claim paid
(on a phone); a claw-back found on the paid statement is offset on the provider's next
statement (on a phone); the ledger trace and the audit log show where the yuan went.
Every step is screenshotted (tmp/screenshots/) and scanned with axe-core.

The provider's usage reaches the platform through its API and statements are built by
the scheduled worker, so those two steps run through their services here; everything a
person does is done on the pages."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from billing.models import Settlement
from billing.reconcile import reconcile
from billing.settlements import build_settlements
from company.models import Claim, CompanyAccount
from payments.models import PaymentBatch
from payments.services.bank_details import change_bank_details
from tests import builders
from tests.authority.conftest import authenticator
from tests.billing.conftest import send, usage
from tests.browser.test_authority_journey import PDF, press_submit, sign_in_with_totp, speak
from vouchers.demo.brief_programmes import BEIJING
from vouchers.services.applications import approve_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = Membership.Role
WORDS = {
    "zh-hans": {"submitted": "已提交", "approved": "已批准", "paid": "已兑付"},
    "en": {"submitted": "Submitted", "approved": "Approved", "paid": "Paid"},
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pdf(tmp_path) -> Path:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(PDF)
    return path


def step(page, shot, check_a11y, name):
    shot(page, name)
    check_a11y(page)


def beijing_world(language):
    """Beijing's bureau with a reimburse programme and a quarterly one (provider deducts),
    both at the brief's 20% and Beijing's rules; a Beijing company holding a voucher in
    each; the designated compute centre; a reviewer, two finance officers; the payees'
    bank details. Built with the services: the journey starts at the claim."""
    bureau = builders.AuthorityFactory(**BEIJING["authority"])
    manager = builders.member(f"manager-{language}", Role.PROGRAMME_MANAGER, authority=bureau)
    centre = builders.provider(name="北京数字经济算力中心", region="110000")
    common = {"authority": bureau, "manager": manager, "providers": [centre],
              "rules": BEIJING["rules"], "region_code": "110000", "region_name": "北京市"}  # fmt: skip
    reimburse = builders.programme(
        code=f"bj-claims-{language}", name_zh="北京市行业大模型算力券",
        name_en="Beijing industry-model compute vouchers", settlement_mode="reimburse", **common,
    )  # fmt: skip
    quarterly = builders.programme(
        code=f"bj-quarterly-{language}", name_zh="北京市算力券（按季结算）",
        name_en="Beijing compute vouchers (settled quarterly)", settlement_period="quarterly",
        **common,
    )  # fmt: skip
    company = builders.entity(
        name="北京智算未来科技有限公司", region="110108",
        declared_on=builders.TODAY - timedelta(days=60),
    )  # fmt: skip
    reviewer = builders.member(f"reviewer-{language}", Role.REVIEWER, authority=bureau)
    vouchers = {}
    for programme, number in ((reimburse, "BJ-HT-001"), (quarterly, "BJ-HT-002")):
        application = builders.submitted_application(
            programme=programme, entity=company, provider=centre, number=number
        )
        vouchers[programme] = approve_application(application=application, by=reviewer).voucher
    engineer = builders.member(f"engineer-{language}", Role.PROVIDER_STAFF, provider=centre)
    CompanyAccount.objects.create(entity=company, admin=company.clerk, region_code="110108")
    change_bank_details(
        payee=company, account_name=company.name, bank_name="工商银行北京海淀支行",
        account_number="6222 0200 0100 5678", by=company.clerk,
    )  # fmt: skip
    change_bank_details(
        payee=centre, account_name=centre.name, bank_name="建设银行北京中关村支行",
        account_number="1100-2233-4455-6677", by=engineer,
    )  # fmt: skip
    finance = [
        builders.member(f"{name}-{language}", Role.FINANCE_OFFICER, authority=bureau)
        for name in ("fiona", "frank")
    ]
    return {
        "bureau": bureau, "centre": centre, "company": company, "reviewer": reviewer,
        "engineer": engineer, "finance": finance, "claim_voucher": vouchers[reimburse],
        "quarterly_voucher": vouchers[quarterly], "quarterly": quarterly,
    }  # fmt: skip


def sign_in(page, site_url, user, then: str):
    page.goto(site_url + "/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("pass")
    page.locator("main form button[type=submit]").click()
    page.goto(site_url + then)


def officer_page(browser, site_url, language, user):
    """A browser of its own for another officer, signed in with both factors."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    speak(page, site_url, language)
    sign_in_with_totp(page, site_url, user, authenticator(user))
    return context, page


def usage_reconciled(world, record_id: str, amount: str):
    """The provider reports usage through its API; the worker reconciles it."""
    number = world["quarterly_voucher"].contract.number
    send(world["centre"], [usage(number, record_id=record_id, amount=amount, day=1)])
    reconcile()


def statement_of(world, period: str) -> Settlement:
    """The scheduled worker builds the quarter's statement."""
    build_settlements(period=period)
    return Settlement.objects.get(programme=world["quarterly"], period=period)


def approve_statement(page, site_url, shot, check_a11y, statement, words, name):
    """The reviewer approves the provider's statement on the government portal."""
    page.goto(f"{site_url}/authority/statements/{statement.pk}/")
    expect(page.get_by_test_id("period")).to_contain_text(statement.period)
    page.get_by_test_id("approve-statement").click()
    expect(page.get_by_test_id("status")).to_contain_text(words["approved"])
    step(page, shot, check_a11y, name)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_claim_and_a_quarterly_statement_are_paid_in_one_batch_and_a_clawback_is_offset(
    page, phone_page, browser, site_url, shot, check_a11y, language, pdf
):
    words = WORDS[language]
    world = beijing_world(language)
    company, reviewer = world["company"], world["reviewer"]
    fiona, frank = world["finance"]
    page.on("dialog", lambda dialog: dialog.accept())

    # The Beijing company files a reimburse claim, with its invoice and proof, on a phone.
    speak(phone_page, site_url, language)
    sign_in(phone_page, site_url, company.clerk,
            f"/company/vouchers/{world['claim_voucher'].pk}/claim/")  # fmt: skip
    phone_page.locator("#id_invoice_number").fill("BJFP-2024-0001")
    phone_page.locator("#id_invoice_date").fill("2024-05-31")
    phone_page.locator("#id_invoice_amount").fill("50000.00")
    phone_page.locator("#id_amount").fill("10000.00")
    phone_page.locator("#id_service_start").fill("2024-05-01")
    phone_page.locator("#id_service_end").fill("2024-05-31")
    phone_page.locator("#id_invoice_file").set_input_files(str(pdf))
    phone_page.locator("#id_delivery_proof").set_input_files(str(pdf))
    step(phone_page, shot, check_a11y, f"claim-form-phone-{language}")
    phone_page.locator("main form button[type=submit]").click()
    expect(phone_page.get_by_test_id("status")).to_contain_text(words["submitted"])
    step(phone_page, shot, check_a11y, f"claim-filed-phone-{language}")
    claim = Claim.objects.get(invoice_number="BJFP-2024-0001")

    # A reviewer of the bureau, signed in with both factors, approves it.
    speak(page, site_url, language)
    sign_in_with_totp(page, site_url, reviewer, authenticator(reviewer))
    page.goto(f"{site_url}/authority/claims/{claim.pk}/")
    step(page, shot, check_a11y, f"claim-review-{language}")
    page.locator("#id_amount").fill("10000.00")
    press_submit(page, "approve")
    expect(page.get_by_test_id("status")).to_contain_text(words["approved"])
    step(page, shot, check_a11y, f"claim-approved-{language}")

    # The centre's usage of the second quarter is reconciled and its quarterly statement
    # built (30,000 billed at 20%: 6,000 yuan), then approved by the reviewer.
    usage_reconciled(world, "bj-usage-0001", "30000.00")
    june_quarter = statement_of(world, "2024-Q2")
    assert june_quarter.total_subsidy == Decimal("6000.00")
    approve_statement(page, site_url, shot, check_a11y, june_quarter, words,
                      f"statement-approved-{language}")  # fmt: skip

    # One finance officer prepares a batch of both ...
    preparer, preparer_page = officer_page(browser, site_url, language, fiona)
    preparer_page.goto(site_url + "/authority/payments/")
    waiting = preparer_page.get_by_test_id("waiting")
    expect(waiting).to_contain_text("¥10,000.00")  # the claim
    expect(waiting).to_contain_text("¥6,000.00")  # the statement
    step(preparer_page, shot, check_a11y, f"payments-waiting-{language}")
    preparer_page.get_by_test_id("prepare").click()
    expect(preparer_page.get_by_test_id("total")).to_contain_text("¥16,000.00")
    expect(preparer_page.get_by_test_id("four-eyes")).to_be_visible()
    step(preparer_page, shot, check_a11y, f"batch-prepared-{language}")
    preparer.close()
    batch = PaymentBatch.objects.get(prepared_by=fiona)

    # ... another approves it and records the bank's references.
    payer, payer_page = officer_page(browser, site_url, language, frank)
    payer_page.goto(f"{site_url}/authority/payments/{batch.pk}/")
    payer_page.get_by_test_id("approve").click()
    expect(payer_page.get_by_test_id("csv")).to_be_visible()
    step(payer_page, shot, check_a11y, f"batch-approved-{language}")
    references = "\n".join(f"{line.pk},BJ-BANK-{line.pk:04d}" for line in batch.lines.all())
    # The date input shows no initial day (payments/forms.py: the initial date is not
    # rendered as an ISO date, so a type=date input drops it): typed here.
    payer_page.locator("#id_paid_on").fill(builders.TODAY.isoformat())
    payer_page.locator("#id_references").fill(references)
    payer_page.get_by_test_id("pay").click()
    expect(payer_page.get_by_test_id("status")).to_contain_text(words["paid"])
    step(payer_page, shot, check_a11y, f"batch-paid-{language}")
    payer.close()

    # The company sees its claim paid, on its phone.
    phone_page.goto(f"{site_url}/company/claims/{claim.pk}/")
    expect(phone_page.get_by_test_id("status")).to_contain_text(words["paid"])
    step(phone_page, shot, check_a11y, f"claim-paid-phone-{language}")

    # A claw-back: 1,000 yuan of the paid redemption was wrong. The reviewer records the
    # finding with its evidence; the provider's next statement offsets it.
    page.goto(site_url + "/authority/recovery/findings/new/")
    page.locator("#id_record").fill("bj-usage-0001")
    page.locator("#id_amount").fill("1000.00")
    page.locator("#id_reason").fill("审计发现重复计费 / audit found double billing")
    page.locator("#id_evidence").set_input_files(str(pdf))
    step(page, shot, check_a11y, f"finding-form-{language}")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("¥1,000.00")
    step(page, shot, check_a11y, f"receivable-{language}")

    usage_reconciled(world, "bj-usage-0002", "20000.00")
    september_quarter = statement_of(world, "2024-Q3")
    approve_statement(page, site_url, shot, check_a11y, september_quarter, words,
                      f"next-statement-offset-{language}")  # fmt: skip
    expect(page.get_by_test_id("offset")).to_contain_text("¥1,000.00")
    expect(page.get_by_test_id("net")).to_contain_text("¥3,000.00")

    sign_in(phone_page, site_url, world["engineer"],
            f"/provider/statements/{september_quarter.pk}/")  # fmt: skip
    expect(phone_page.get_by_test_id("offset")).to_contain_text("¥1,000.00")
    step(phone_page, shot, check_a11y, f"statement-offset-phone-{language}")

    # The ledger trace of the quarterly voucher and the bureau's audit log.
    page.goto(f"{site_url}/authority/vouchers/{world['quarterly_voucher'].pk}/trace/")
    expect(page.get_by_test_id("stage-paid")).to_contain_text("¥6,000.00")
    expect(page.get_by_test_id("stage-redeemed")).to_contain_text("¥10,000.00")
    step(page, shot, check_a11y, f"trace-{language}")
    page.goto(site_url + "/authority/audit/?action=ledger.")
    expect(page.get_by_test_id("event").first).to_be_visible()
    step(page, shot, check_a11y, f"audit-{language}")
