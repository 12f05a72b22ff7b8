"""Officers need a second factor: enrolment with a TOTP code, backup codes that work
once, throttled guesses, audited re-enrolment."""

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import actions
from audit.models import AuditEvent
from authority.services import two_factor
from tests.authority.conftest import authenticator, code_now, signed_in


@pytest.fixture
def password_only(bob):
    """bob signed in with his password, no second factor yet in this session."""
    return signed_in(bob, verified=False)


def test_an_officer_without_a_device_is_sent_to_enrol(password_only):
    response = password_only.get("/authority/")
    assert response.status_code == 302
    assert response["Location"].startswith("/authority/two-factor/enrol/?next=")


def test_an_enrolled_officer_is_sent_to_verify(bob, password_only):
    authenticator(bob)
    response = password_only.get("/authority/")
    assert response["Location"] == "/authority/two-factor/?next=%2Fauthority%2F"


def test_someone_who_is_no_officer_is_refused(company):
    client = Client()
    client.force_login(company.clerk)
    assert client.get("/authority/").status_code == 403


def test_the_enrolment_page_draws_the_qr_code_itself(password_only):
    page = password_only.get("/authority/two-factor/enrol/").content.decode()
    assert "<svg" in page and "<script" not in page.split("<main")[1].split("</main>")[0]


def test_enrolment_with_a_valid_code_verifies_the_session_and_shows_ten_codes(bob, password_only):
    password_only.get("/authority/two-factor/enrol/")
    pending = TOTPDevice.objects.get(user=bob, confirmed=False)
    response = password_only.post(
        "/authority/two-factor/enrol/", {"code": code_now(pending), "next": "/authority/"}
    )
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert TOTPDevice.objects.get(user=bob).confirmed
    assert password_only.get("/authority/").status_code == 200
    assert AuditEvent.objects.filter(
        action=actions.TWO_FACTOR_ENROL, object_id=str(bob.pk)
    ).exists()


def test_enrolment_with_a_wrong_code_confirms_nothing(bob, password_only):
    password_only.get("/authority/two-factor/enrol/")
    response = password_only.post("/authority/two-factor/enrol/", {"code": "000000"})
    assert "code" in response.context["form"].errors
    assert not two_factor.is_enrolled(bob)
    assert password_only.get("/authority/").status_code == 302


def test_a_code_from_the_authenticator_verifies_the_session(bob, password_only):
    device = authenticator(bob)
    response = password_only.post(
        "/authority/two-factor/", {"code": code_now(device), "next": "/authority/"}
    )
    assert response["Location"] == "/authority/"
    assert password_only.get("/authority/").status_code == 200


def test_a_backup_code_works_once(bob):
    authenticator(bob)
    codes = two_factor.issue_backup_codes(bob)
    first, second = signed_in(bob, verified=False), signed_in(bob, verified=False)
    assert first.post("/authority/two-factor/", {"code": codes[0]}).status_code == 302
    refused = second.post("/authority/two-factor/", {"code": codes[0]})
    assert refused.status_code == 200
    assert second.get("/authority/").status_code == 302


def test_guessing_is_throttled_with_a_clear_message(bob, password_only):
    device = authenticator(bob)
    password_only.post("/authority/two-factor/", {"code": "000000"})
    # Even the right code waits until the delay after the wrong one has passed.
    response = password_only.post("/authority/two-factor/", {"code": code_now(device)})
    assert "错误次数过多" in str(response.context["form"].errors)
    later = timezone.now() + timedelta(seconds=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert (
            password_only.post("/authority/two-factor/", {"code": code_now(device)}).status_code
            == 302
        )


def test_replacing_the_authenticator_needs_the_old_one_first_and_is_audited(bob):
    old = authenticator(bob)
    password_only = signed_in(bob, verified=False)
    assert password_only.get("/authority/two-factor/enrol/")["Location"] == "/authority/two-factor/"
    verified = signed_in(bob)
    verified.get("/authority/two-factor/enrol/")
    pending = TOTPDevice.objects.get(user=bob, confirmed=False)
    verified.post("/authority/two-factor/enrol/", {"code": code_now(pending)})
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(
        action=actions.TWO_FACTOR_REENROL, object_id=str(bob.pk)
    ).exists()


def test_company_staff_may_enrol_but_need_not(company):
    client = Client()
    client.force_login(company.clerk)
    assert client.get("/authority/two-factor/enrol/").status_code == 200


def test_the_backup_codes_page_is_never_cached_and_the_session_key_changes(bob, password_only):
    password_only.get("/authority/two-factor/enrol/")
    before = password_only.session.session_key
    pending = TOTPDevice.objects.get(user=bob, confirmed=False)
    response = password_only.post("/authority/two-factor/enrol/", {"code": code_now(pending)})
    assert "no-store" in response["Cache-Control"]
    assert password_only.session.session_key != before
