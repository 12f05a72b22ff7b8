"""The site in a real browser: home, login, the public board in both languages and on a
phone. Each step is screenshotted (tmp/screenshots/) and scanned with axe-core."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_home_page(page, site_url, shot, check_a11y):
    page.goto(site_url + "/")
    expect(page.locator(".navbar-brand")).to_have_text("算力券服务平台")
    expect(page.get_by_role("link", name="打开公示栏")).to_be_visible()
    shot(page, "home-zh")
    check_a11y(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator(".navbar-brand")).to_have_text("Compute Voucher Service Platform")
    shot(page, "home-en")
    check_a11y(page)


def test_the_home_page_fits_a_phone(phone_page, site_url, shot, check_a11y):
    phone_page.goto(site_url + "/")
    expect(phone_page.get_by_role("link", name="打开公示栏")).to_be_visible()
    shot(phone_page, "home-phone")
    phone_page.get_by_role("button", name="显示菜单").click()
    menu = phone_page.locator("#site-nav")
    expect(menu).to_have_class("navbar-collapse collapse show")  # opened, transition done
    expect(menu.get_by_role("link", name="登录")).to_be_visible()
    shot(phone_page, "home-phone-menu")
    check_a11y(phone_page)
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"


def test_a_clerk_logs_in_after_a_wrong_password(page, site_url, clerk, company, shot, check_a11y):
    page.goto(site_url + "/accounts/login/")
    shot(page, "login")
    check_a11y(page)
    page.get_by_label("用户名").fill(clerk.username)
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    shot(page, "login-refused")
    check_a11y(page)
    page.get_by_label("密码").fill("pass")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(company.name)
    shot(page, "signed-in-home")
    check_a11y(page)


def test_the_public_board_shows_an_award_in_both_languages(
    page, site_url, noticed_award, company, shot, check_a11y
):
    page.goto(site_url + "/public/")
    page.locator(f'a[href="/public/{noticed_award.programme.code}/"]').click()
    awards = page.get_by_test_id("awards")
    expect(awards).to_contain_text(company.name)
    expect(awards).to_contain_text("¥50,000.00")
    expect(awards).to_contain_text("公示中")
    expect(page.get_by_test_id("objection")).to_contain_text("objection@jxj.chengdu.gov.cn")
    expect(page.locator("#chart-region canvas, [data-chart] canvas").first).to_be_visible()
    shot(page, "board-zh")
    check_a11y(page)

    page.get_by_role("button", name="English").click()
    expect(awards).to_contain_text("In public notice")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chengdu compute vouchers")
    shot(page, "board-en")
    check_a11y(page)

    page.get_by_label("Search (name or credit code)").fill("nobody-at-all")
    expect(page.locator("#awards")).to_contain_text("No award matches.")
    shot(page, "board-en-search")


def test_the_public_board_fits_a_phone(
    phone_page, site_url, noticed_award, company, shot, check_a11y
):
    phone_page.goto(site_url + f"/public/{noticed_award.programme.code}/")
    expect(phone_page.get_by_test_id("awards")).to_contain_text(company.name)
    shot(phone_page, "board-phone")
    check_a11y(phone_page)
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
