"""Each action through the page: a key shown once, revoked, rotated with two live; the
signing secret switched and rotated; a contract confirmed or disputed; a usage file
uploaded and followed to its end; CSV downloads escaped. Key and secret actions ask
for the password again first, and each is audited."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.models import ApiKey, SigningSettings
from api.services.keys import create_key, live_key
from audit.models import AuditEvent
from billing.models import UsageFile
from tests.authority.conftest import signed_in
from tests.provider.conftest import *  # noqa: F403 (the personas)
from vouchers.models import Contract
from web.auth import SESSION_KEY as RECENT_LOGIN

SECRET = re.compile(r'data-testid="secret">([^<]+)<')


@pytest.fixture(autouse=True)
def usage_file_root(settings, tmp_path):
    settings.USAGE_FILE_ROOT = tmp_path / "usage-files"


def shown_secret(response) -> str:
    return SECRET.search(response.content.decode()).group(1)


def test_a_new_key_is_shown_once_and_works(as_erin, centre):
    response = as_erin.post("/provider/keys/create/", {"name": "billing (prod)"})

    raw = shown_secret(response)
    assert live_key(raw).provider == centre
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get(provider=centre)
    listing = as_erin.get("/provider/keys/").content.decode()
    assert key.prefix in listing and raw not in listing
    assert AuditEvent.objects.filter(action="api_key.create").count() == 1


def test_a_key_action_asks_for_the_password_again(centre_engineer, centre):
    stale = signed_in(centre_engineer, verified=False)
    session = stale.session
    session[RECENT_LOGIN] = timezone.now().timestamp() - 3600
    session.save()

    response = stale.post("/provider/keys/create/", {"name": "x"})

    assert response.status_code == 302 and "/confirm" in response["Location"]
    assert not ApiKey.objects.filter(provider=centre).exists()


def test_rotation_keeps_two_keys_live_then_the_old_one_is_revoked(as_erin, centre, centre_engineer):
    old, _ = create_key(provider=centre, by=centre_engineer, name="old")
    shown_secret(as_erin.post("/provider/keys/create/", {"name": "new"}))

    refused = as_erin.post("/provider/keys/create/", {"name": "third"})
    assert refused.status_code == 400
    assert ApiKey.objects.filter(provider=centre, revoked_at=None).count() == 2

    as_erin.post(f"/provider/keys/{old.pk}/revoke/")
    old.refresh_from_db()
    assert not old.is_live
    assert AuditEvent.objects.filter(action="api_key.revoke").count() == 1


def test_signing_is_switched_on_with_its_secret_shown_once_then_rotated(as_erin, centre):
    first = shown_secret(as_erin.post("/provider/signing/", {"required": "on"}))
    assert SigningSettings.objects.get(provider=centre).secret == first

    again = as_erin.post("/provider/signing/", {"required": "on"})
    assert again.status_code == 302  # switching again shows no secret

    rotated = shown_secret(as_erin.post("/provider/signing/rotate/"))
    signing = SigningSettings.objects.get(provider=centre)
    assert (signing.secret, signing.previous_secret) == (rotated, first)

    as_erin.post("/provider/signing/", {})
    signing.refresh_from_db()
    assert not signing.signing_required
    assert AuditEvent.objects.filter(action__startswith="api_signing.").count() == 4


def test_rotating_before_any_secret_says_why(as_erin_en, centre):
    response = as_erin_en.post("/provider/signing/rotate/", follow=True)
    assert "no signing settings yet" in response.content.decode()


def test_a_contract_is_confirmed_with_other_figures_and_the_difference_shows(as_erin, world):
    contract = Contract.objects.create(
        entity=world.contract.entity, provider=world.contract.provider, number="HT-NEW",
        signed_on=world.contract.signed_on, service_start=world.contract.service_start,
        service_end=world.contract.service_end, value="80000.00",
    )  # fmt: skip
    url = f"/provider/contracts/{contract.pk}/"

    response = as_erin.post(url, {"answer": "confirm", "value": "75000.00"})

    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.provider_status == "confirmed" and contract.answer_differs
    page = as_erin.get(url).content.decode()
    assert page.count('data-testid="differs"') == 1


def test_a_dispute_needs_a_reason_then_is_recorded(as_erin, world):
    contract = Contract.objects.create(
        entity=world.contract.entity, provider=world.contract.provider, number="HT-DISPUTE",
        signed_on=world.contract.signed_on, service_start=world.contract.service_start,
        service_end=world.contract.service_end, value="80000.00",
    )  # fmt: skip
    url = f"/provider/contracts/{contract.pk}/"

    assert as_erin.post(url, {"answer": "dispute"}).status_code == 400
    as_erin.post(url, {"answer": "dispute", "note": "no such contract in our books"})

    contract.refresh_from_db()
    assert contract.provider_status == "disputed"
    assert AuditEvent.objects.filter(action="contract.disputed").count() == 1


def test_a_subsidised_contracts_answer_cannot_change(as_erin, world):
    url = f"/provider/contracts/{world.contract.pk}/"
    assert 'data-testid="subsidised"' in as_erin.get(url).content.decode()
    assert as_erin.post(url, {"answer": "dispute", "note": "late"}).status_code == 400
    world.contract.refresh_from_db()
    assert world.contract.provider_status == "declared"


CSV = (
    "record_id,contract_number,period_start,period_end,amount,currency\n"
    "ok-1,HT-2024-001,2024-06-05T00:00:00+08:00,2024-06-05T23:59:59+08:00,10.00,CNY\n"
    "=bad,HT-2024-001,2024-06-05T00:00:00+08:00,2024-06-05T23:59:59+08:00,-x,CNY\n"
)


def test_an_uploaded_file_is_processed_and_its_row_errors_downloaded_escaped(
    as_erin, world, centre_engineer, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("june.csv", CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_erin.post("/provider/usage-files/", {"file": upload})

    usage_file = UsageFile.objects.get(original_name="june.csv")
    assert response["Location"] == f"/provider/usage-files/{usage_file.pk}/"
    assert (usage_file.status, usage_file.rows_accepted, usage_file.rows_rejected) == ("done", 1, 1)
    progress = as_erin.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in progress and "<html" not in progress  # finished: polling stops
    errors = as_erin.get(f"/provider/usage-files/{usage_file.pk}/errors.csv").content.decode()
    assert errors.splitlines()[0] == "row,field,code,message"
    assert errors.splitlines()[1].startswith("3,amount,")
    [event] = AuditEvent.objects.filter(action="usage_file.upload")
    assert (event.object_id, event.actor, event.after["via"]) == (
        str(usage_file.pk),
        centre_engineer,
        "portal",
    )


def test_a_queued_file_keeps_polling(as_erin, centre):
    queued = UsageFile.objects.create(provider=centre, path="p/none.csv", original_name="q.csv")
    progress = as_erin.get(f"/provider/usage-files/{queued.pk}/", headers={"HX-Request": "true"})
    assert 'hx-trigger="load delay:1500ms"' in progress.content.decode()


def test_the_statement_csv_is_the_apis_with_formulas_escaped(as_erin, world):
    csv = as_erin.get(f"/provider/statements/{world.statement.pk}/lines.csv")
    assert csv["Content-Type"].startswith("text/csv")
    header, *lines = csv.content.decode().splitlines()
    assert header.startswith("id,programme,period,status,record_id")
    assert [line.split(",")[4] for line in lines] == ["june-1", "'+june-2"]


def test_the_row_errors_csv_escapes_formulas(as_erin, centre):
    errors = [{"row": 2, "field": "sku", "code": "too_long", "message": "=HYPERLINK(1)"}]
    found = UsageFile.objects.create(provider=centre, path="p/x.csv", status="done", errors=errors)
    csv = as_erin.get(f"/provider/usage-files/{found.pk}/errors.csv").content.decode()
    assert csv.splitlines()[1] == "2,sku,too_long,'=HYPERLINK(1)"


def test_an_exception_on_a_formula_record_id_is_shown_as_text(as_erin, world):
    page = as_erin.get("/provider/exceptions/?status=open").content.decode()
    assert "=HYPERLINK(1)" in page and "unknown_contract" in page


def test_an_answer_without_a_button_is_refused(as_erin_en, world):
    contract = Contract.objects.create(
        entity=world.contract.entity, provider=world.contract.provider, number="HT-NONE",
        signed_on=world.contract.signed_on, service_start=world.contract.service_start,
        service_end=world.contract.service_end, value="80000.00",
    )  # fmt: skip
    response = as_erin_en.post(f"/provider/contracts/{contract.pk}/", {"value": "1.00"})
    assert response.status_code == 400 and "Press Confirm or Dispute." in response.content.decode()
    contract.refresh_from_db()
    assert contract.provider_status == "declared"


def test_a_file_larger_than_the_apis_limit_is_refused_naming_the_field(as_erin_en, settings):
    settings.API_MAX_USAGE_FILE_BYTES = 10
    upload = SimpleUploadedFile("big.csv", CSV.encode(), content_type="text/csv")
    response = as_erin_en.post("/provider/usage-files/", {"file": upload})
    assert response.status_code == 400
    assert "larger than 10 bytes" in response.content.decode()
    assert not UsageFile.objects.exists()
