"""The provider portal in a real browser, as a provider's integration engineer uses it:
sign in, create an API key (shown once), answer a declared contract with other figures
(the difference highlighted), add a webhook endpoint (its secret shown once), upload a
usage file and read its row errors, see the file's delivery in the endpoint's log, then
the exceptions and the June statement; in Chinese and in English, on a desktop and a
phone.
Every step is screenshotted (tmp/screenshots/) and scanned with axe-core."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import UsageFile
from tests import builders
from tests.provider.conftest import *  # noqa: F403 (the personas)
from webhooks.models import Delivery, Endpoint
from webhooks.services import create_endpoint
from webhooks.tasks import scan_and_deliver_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "record_id,contract_number,period_start,period_end,amount,currency\n"
    "ok-1,HT-2024-001,2024-06-05T00:00:00+08:00,2024-06-05T23:59:59+08:00,10.00,CNY\n"
    "bad-1,HT-2024-001,2024-06-05T00:00:00+08:00,2024-06-05T23:59:59+08:00,ten,CNY\n"
)


@pytest.fixture(autouse=True)
def usage_file_root(settings, tmp_path):
    settings.USAGE_FILE_ROOT = tmp_path / "usage-files"


def step(page, shot, check_a11y, name):
    shot(page, name)
    check_a11y(page)


def sign_in(page, site_url, username, language):
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": site_url}])
    page.goto(site_url + "/provider/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pass")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(site_url + "/provider/")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_engineer_gets_a_key_answers_a_contract_and_sends_usage(
    page,
    site_url,
    shot,
    check_a11y,
    language,
    world,
    centre,
    centre_engineer,
    company,
    tmp_path,
    receiver,
):
    declared = builders.contract(entity=company, provider=centre, number="HT-DECLARED")
    sign_in(page, site_url, centre_engineer.username, language)
    expect(page.get_by_test_id("to-answer")).to_contain_text("2")
    step(page, shot, check_a11y, f"home-{language}")

    page.goto(site_url + "/provider/keys/")
    step(page, shot, check_a11y, f"keys-{language}")
    page.locator("#id_name").fill("billing (prod)")
    page.locator("main form[action$='/keys/create/'] button[type=submit].btn-primary").click()
    secret = page.get_by_test_id("secret").inner_text()
    assert secret.startswith("vk_")
    step(page, shot, check_a11y, f"key-shown-once-{language}")
    page.goto(site_url + "/provider/keys/")
    expect(page.locator("main")).not_to_contain_text(secret)

    page.goto(site_url + "/provider/contracts/?answer=declared")
    step(page, shot, check_a11y, f"contracts-{language}")
    page.locator(f'a[href="/provider/contracts/{declared.pk}/"]').click()
    page.locator("#id_value").fill("90000.00")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("differs")).to_have_count(1)
    step(page, shot, check_a11y, f"contract-answered-{language}")

    page.goto(site_url + "/provider/webhooks/")
    step(page, shot, check_a11y, f"webhooks-{language}")
    page.locator("#id_url").fill(receiver.url)
    page.locator("input[name=events][value='usage_file.finished']").check()
    page.locator("main form[action$='/webhooks/create/'] button[type=submit]").click()
    assert page.get_by_test_id("secret").inner_text().startswith("whsec_")
    step(page, shot, check_a11y, f"webhook-secret-shown-once-{language}")
    endpoint = Endpoint.objects.get(provider=centre)

    upload = tmp_path / "june.csv"
    upload.write_text(CSV)
    page.goto(site_url + "/provider/usage-files/")
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("counts")).to_be_visible()
    expect(page.get_by_test_id("errors-csv")).to_be_visible()
    step(page, shot, check_a11y, f"usage-file-{language}")

    scan_and_deliver_task()  # the beat's fan-out and delivery, in the test's process
    page.goto(f"{site_url}/provider/webhooks/{endpoint.pk}/")
    expect(page.locator("main table")).to_contain_text("usage_file.finished")
    expect(page.get_by_test_id("response-code")).to_have_text("200")
    assert len(receiver.requests) == 1
    step(page, shot, check_a11y, f"webhook-log-{language}")

    page.goto(site_url + "/provider/exceptions/")
    step(page, shot, check_a11y, f"exceptions-{language}")
    page.goto(site_url + "/provider/statements/")
    page.locator(f'a[href="/provider/statements/{world.statement.pk}/"]').click()
    expect(page.get_by_test_id("subsidy")).to_contain_text("75.00")
    step(page, shot, check_a11y, f"statement-{language}")


def test_a_running_files_progress_follows_the_job_without_a_reload(
    page, site_url, shot, check_a11y, centre, centre_engineer
):
    running = UsageFile.objects.create(
        provider=centre, path="p/x.csv", original_name="july.csv", status="running", rows_total=5000
    )
    sign_in(page, site_url, centre_engineer.username, "en")
    page.goto(f"{site_url}/provider/usage-files/{running.pk}/")
    expect(page.get_by_test_id("file-status")).to_contain_text("5000 rows read so far")
    step(page, shot, check_a11y, "running")
    UsageFile.objects.filter(pk=running.pk).update(
        status="done", rows_total=9000, rows_accepted=9000, finished_at=timezone.now()
    )
    expect(page.get_by_test_id("counts")).to_contain_text("9000", timeout=5000)
    step(page, shot, check_a11y, "done")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_portal_reads_on_a_phone(
    phone_page, site_url, shot, check_a11y, world, centre, centre_engineer, receiver, language
):
    page = phone_page
    endpoint = create_endpoint(provider=centre, url=receiver.url, events=[], by=centre_engineer)
    Delivery.objects.create(
        endpoint=endpoint, event_id="statement-1", event_type="statement.ready",
        payload={}, status="delivered", attempts=1, response_code=200, response_body="ok",
        last_attempt_at=timezone.now(), created_at=timezone.now(),
    )  # fmt: skip
    sign_in(page, site_url, centre_engineer.username, language)
    step(page, shot, check_a11y, f"home-{language}")
    for name, path in [
        ("keys", "/provider/keys/"),
        ("contracts", "/provider/contracts/"),
        ("contract", f"/provider/contracts/{world.contract.pk}/"),
        ("usage-files", "/provider/usage-files/"),
        ("exceptions", "/provider/exceptions/"),
        ("statement", f"/provider/statements/{world.statement.pk}/"),
        ("webhooks", "/provider/webhooks/"),
        ("webhook", f"/provider/webhooks/{endpoint.pk}/"),
    ]:
        page.goto(site_url + path)
        step(page, shot, check_a11y, f"{name}-{language}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} scrolls sideways ({width}px)"
