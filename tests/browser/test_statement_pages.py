"""Provider statements in a real browser, in Chinese and in English: a quarterly
programme's statement in the government portal (the list, the statement by voucher, its
approval; on a desktop and on a phone) and in the provider portal, as printed (print
media: no menu, no buttons). Screenshots in tmp/screenshots/, axe-core on every step."""

import pytest
from playwright.sync_api import expect

from billing.models import Settlement
from billing.reconcile import reconcile
from billing.settlements import build_settlements
from tests import builders
from tests.authority.conftest import authenticator
from tests.billing.conftest import issue, send, usage
from tests.browser.test_authority_journey import sign_in_with_totp, speak

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WORDS = {"zh-hans": {"approved": "已批准"}, "en": {"approved": "Approved"}}


def quarter(chengdu, alice, centre, company, bob) -> Settlement:
    """A quarterly programme's 2024-Q3 statement: two vouchers, one record corrected."""
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], code="quarterly-2024",
        settlement_period="quarterly",
    )  # fmt: skip
    for number in ("HT-Q-001", "HT-Q-002"):
        issue(programme, company, centre, bob, number)
    send(centre, [usage("HT-Q-001", record_id="jul", amount="1200.00", month=7),
                  usage("HT-Q-001", record_id="aug", amount="800.00", month=8),
                  usage("HT-Q-002", record_id="sep", amount="300.00", month=9)])  # fmt: skip
    reconcile()
    send(centre, [usage("HT-Q-001", record_id="aug-fix", amount="600.00", month=8, corrects="aug")])
    reconcile()
    build_settlements(period="2024-Q3")
    return Settlement.objects.get(period="2024-Q3")


def step(page, shot, check_a11y, name):
    shot(page, name)
    check_a11y(page)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_quarterly_statement_is_read_approved_and_printed(
    page, phone_page, site_url, shot, check_a11y, language, chengdu, alice, centre, company,
    bob, centre_engineer,
):  # fmt: skip
    statement = quarter(chengdu, alice, centre, company, bob)
    page.on("dialog", lambda dialog: dialog.accept())
    speak(page, site_url, language)
    sign_in_with_totp(page, site_url, bob, authenticator(bob))

    page.goto(f"{site_url}/authority/statements/?period=2024-Q")
    step(page, shot, check_a11y, f"statements-{language}")
    page.locator(f'a[href="/authority/statements/{statement.pk}/"]').click()
    expect(page.get_by_test_id("period")).to_contain_text("2024-Q3")
    expect(page.get_by_test_id("statement-lines").locator("tbody tr")).to_have_count(2)
    step(page, shot, check_a11y, f"statement-{language}")
    page.get_by_test_id("approve-statement").click()
    expect(page.get_by_test_id("status")).to_contain_text(WORDS[language]["approved"])
    step(page, shot, check_a11y, f"statement-approved-{language}")

    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_test_id("statement-export-csv")).to_be_hidden()
    expect(page.get_by_test_id("statement-lines")).to_be_visible()
    shot(page, f"statement-printed-{language}")

    speak(phone_page, site_url, language)
    phone_page.goto(site_url + "/accounts/login/")
    phone_page.locator("#id_username").fill(centre_engineer.username)
    phone_page.locator("#id_password").fill("pass")
    phone_page.locator("main form button[type=submit]").click()
    phone_page.goto(f"{site_url}/provider/statements/{statement.pk}/")
    expect(phone_page.get_by_test_id("subsidy")).to_contain_text("1,050.00")
    step(phone_page, shot, check_a11y, f"provider-statement-phone-{language}")
