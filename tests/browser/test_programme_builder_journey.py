"""A programme manager builds a programme in a real browser, in Chinese and in English:
a revenue floor, the 50% cap on a contract's share and an annual cap, typed as people
type them; reads the rules back in the company's words; simulates them against last
year's applications; publishes; the dashboard lists it. Desktop and phone, every step screenshotted
(tmp/screenshots/) and scanned with axe-core."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests import builders
from tests.authority.conftest import authenticator
from tests.browser.test_authority_journey import sign_in_with_totp, speak, step
from vouchers.models import Programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "zh-hans": {"floor": "上年度主营业务收入不低于 12,000,000.00 元（含）", "published": "已发布"},
    "en": {
        "floor": "prior-year revenue of at least 12,000,000.00 yuan (inclusive)",
        "published": "Published",
    },
}


@pytest.fixture
def last_year(chengdu, alice, centre):
    """Last year's programme (its window runs into this year) with three filed
    applications: two of companies above the new floor, one below it."""
    programme = builders.programme(
        authority=chengdu,
        manager=alice,
        providers=[centre],
        year=builders.TODAY.year - 1,
        applications_open=date(builders.TODAY.year - 1, 1, 1),
        applications_close=date(builders.TODAY.year, 12, 31),
    )
    for name, revenue in [
        ("甲公司", "20000000.00"),
        ("乙公司", "15000000.00"),
        ("丙公司", "11000000.00"),
    ]:
        entity = builders.entity(
            name=name, revenue=revenue, declared_on=builders.TODAY - timedelta(days=60)
        )
        builders.submitted_application(programme=programme, entity=entity, provider=centre)
    builders.entity(name="丁公司（未申报）", revenue="30000000.00")
    return programme


def fill_terms(page, centre, year):
    values = {
        "#id_code": f"cd-{year}",
        "#id_name_zh": f"成都市算力券（{year}年度）",
        "#id_name_en": f"Chengdu compute vouchers {year}",
        "#id_region_code": "510100",
        "#id_region_name": "成都市",
        "#id_year": str(year),
        "#id_total_budget": "10000000",
        "#id_applications_open": f"{year}-01-01",
        "#id_applications_close": f"{year}-12-31",
        "#id_voucher_validity_months": "12",
        "#id_public_notice_days": "7",
        "#id_min_award": "10000",
        "#id_annual_cap": "1000000",
        "#id_claim_share_cap": "50%",
    }
    for selector, value in values.items():
        page.locator(selector).fill(value)
    page.locator("#id_settlement_mode").select_option("provider_deducts")
    page.get_by_label("Cash voucher for compute").or_(page.get_by_label("算力现金券")).check()
    # The provider search filters the list in the page: what was typed above stays.
    page.locator("#provider-search").fill("没有这个服务商")
    expect(page.get_by_label(centre.name)).to_be_hidden()
    page.locator("#provider-search").fill(centre.name[:2])
    page.get_by_label(centre.name).check()
    expect(page.locator("#id_code")).to_have_value(f"cd-{year}")


def fill_rules(page):
    page.locator("#id_entity_kinds-enabled").check()
    for index in range(3):
        page.locator(f"#id_entity_kinds-allowed_{index}").check()
    page.locator("#id_revenue_floor-enabled").check()
    page.locator("#id_revenue_floor-min_revenue").fill("12000000")
    page.locator("#id_designated_provider-enabled").check()
    page.locator("#id_tiers-0-rate").fill("60")
    page.locator("#id_funding-0-name_zh").fill("成都市本级财政")
    page.locator("#id_funding-0-weight").fill("1")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_manager_builds_simulates_and_publishes_a_programme(
    page, phone_page, site_url, shot, check_a11y, language, alice, centre, last_year
):
    page.on("dialog", lambda dialog: dialog.accept())
    speak(page, site_url, language)
    sign_in_with_totp(page, site_url, alice, authenticator(alice))
    page.goto(site_url + "/authority/programmes/new/")
    step(page, shot, check_a11y, f"builder-empty-{language}")
    year = builders.TODAY.year + 1
    fill_terms(page, centre, year)
    fill_rules(page)
    # A share typed wrongly is refused beside its field, and nothing is saved.
    page.locator("#id_claim_share_cap").fill("150%")
    page.get_by_test_id("save").click()
    expect(page.locator("#id_claim_share_cap_error")).to_be_visible()
    step(page, shot, check_a11y, f"builder-error-{language}")
    assert not Programme.objects.filter(code=f"cd-{year}").exists()
    page.locator("#id_claim_share_cap").fill("50%")
    page.locator("#id_revenue_floor-enabled").check()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("rules-read-back")).to_contain_text(WORDS[language]["floor"])
    step(page, shot, check_a11y, f"draft-{language}")

    # Simulated against last year's applications: one falls below the new floor.
    page.get_by_test_id("simulate-form").locator("select").select_option(str(last_year.pk))
    page.get_by_test_id("simulate-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("filed")).to_have_text("3")
    expect(page.get_by_test_id("eligible")).to_have_text("2")
    expect(page.get_by_test_id("candidates")).to_contain_text("丁公司")
    step(page, shot, check_a11y, f"simulation-{language}")
    phone_page.context.add_cookies(page.context.cookies())
    phone_page.goto(page.url)
    step(phone_page, shot, check_a11y, f"simulation-phone-{language}")

    page.locator("main form[action$='/publish/'] button[type=submit]").click()
    expect(page.get_by_test_id("status")).to_have_text(WORDS[language]["published"])
    step(page, shot, check_a11y, f"published-{language}")
    phone_page.goto(page.url)
    step(phone_page, shot, check_a11y, f"published-phone-{language}")
    programme = Programme.objects.get(code=f"cd-{year}")
    # The dashboard (helper V's) shows the new programme among the authority's.
    page.goto(site_url + "/authority/dashboard/")
    expect(page.locator(f"[data-programme='{programme.code}']")).to_be_visible()
    step(page, shot, check_a11y, f"dashboard-{language}")
    assert programme.status == "published"
    assert str(programme.claim_share_cap) == "0.5000"
    assert programme.current_ruleset().document["rate_tiers"] == [{"rate": "0.60", "when": {}}]
