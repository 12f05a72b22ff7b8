"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser)
against pytest-django's live server.

- `page` is pytest-playwright's page (desktop, Chinese locale) that also fails the test
  on any Content-Security-Policy violation or page error;
- `phone_page` is the same at a phone's size (390 x 844, touch);
- `site_url` is the live server's address;
- `shot(page, "step")` saves a full-page screenshot under tmp/screenshots/<test>/;
- `check_a11y(page)` runs axe-core and fails on serious or critical violations.

Every test here is marked `browser` and skipped, with the reason, without chromium.
"""

import os
import re
from pathlib import Path

import pytest

from tests.browser.axe import check_a11y as _check_a11y
from tests.web.conftest import clerk, noticed_award, noticed_programme  # noqa: F401 (fixtures)

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "tmp" / "screenshots"
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's event loop and chromium stay up until the
    session ends, and the suite's other tests (some fork reviewer processes) should
    never run beside them. Without chromium they are skipped, saying why."""
    items.sort(key=lambda item: "browser" in item.keywords)
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"no chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright's sync API keeps an event loop running in this thread from its first use
    # to the end of the session, and Django then refuses ORM calls (tests' data, the
    # transactional flush). The tests and the ORM share one thread and never await, so
    # that is safe: allow it from here on, for the rest of the session.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # zh-CN: Accept-Language picks the platform's default language, Chinese.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


def _watch(page):
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


@pytest.fixture
def page(page):
    problems = _watch(page)
    yield page
    assert not problems, f"the page broke its CSP or raised: {problems}"


@pytest.fixture
def phone_page(browser, browser_context_args):
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE}, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    problems = _watch(phone)
    yield phone
    context.close()
    assert not problems, f"the page broke its CSP or raised: {problems}"


@pytest.fixture
def site_url(live_server):
    return live_server.url


@pytest.fixture
def shot(request):
    """shot(page, "name"): a numbered full-page screenshot of this step."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    taken = []

    def take(page, name):
        taken.append(name)
        path = folder / f"{len(taken):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def check_a11y():
    return _check_a11y
