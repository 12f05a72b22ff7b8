"""Signing in the back office and from the command line: switching it keeps the secret
(an officer saving the page must not break a provider's integration); only the rotate
action or `--rotate-secret` issues a new one, and the old one verifies until the next."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse

from api.models import SigningSettings

pytestmark = pytest.mark.django_db
SECRET = re.compile(r"[0-9a-f]{64}")


def shown_secrets(response) -> list[str]:
    """The secrets in the messages the page after the redirect showed."""
    shown = response.context["messages"]
    return [found for message in shown for found in SECRET.findall(str(message))]


def save(admin_client, centre, required: bool, signing=None):
    url = (
        reverse("admin:api_signingsettings_change", args=[signing.pk])
        if signing
        else reverse("admin:api_signingsettings_add")
    )
    data = {"provider": centre.pk} if signing is None else {}
    if required:
        data["signing_required"] = "on"
    return admin_client.post(url, data, follow=True)


def test_the_first_save_shows_the_secret_and_later_saves_keep_it(admin_client, centre):
    first = save(admin_client, centre, True)
    assert first.redirect_chain
    signing = SigningSettings.objects.get(provider=centre)
    assert shown_secrets(first) == [signing.secret]

    again = save(admin_client, centre, False, signing)

    assert again.redirect_chain
    assert shown_secrets(again) == []
    kept = SigningSettings.objects.get(pk=signing.pk)
    assert (kept.secret, kept.previous_secret, kept.signing_required) == (signing.secret, "", False)


def test_the_rotate_action_issues_a_new_secret_and_keeps_the_old_one_verifying(
    admin_client, centre
):
    save(admin_client, centre, True)
    signing = SigningSettings.objects.get(provider=centre)
    url = reverse("admin:api_signingsettings_changelist")
    data = {"action": "rotate", ACTION_CHECKBOX_NAME: [signing.pk], "index": 0}

    response = admin_client.post(url, data, follow=True)

    rotated = SigningSettings.objects.get(pk=signing.pk)
    assert rotated.previous_secret == signing.secret
    assert shown_secrets(response) == [rotated.secret]


def test_signing_settings_cannot_be_deleted(admin_client, centre):
    save(admin_client, centre, True)
    signing = SigningSettings.objects.get(provider=centre)
    response = admin_client.get(reverse("admin:api_signingsettings_delete", args=[signing.pk]))
    assert response.status_code == 403


def test_the_command_switches_signing_and_rotates_the_secret(centre, capsys):
    call_command("create_provider_key", centre.credit_code, "--signing", "on")
    first = SECRET.findall(capsys.readouterr().out)
    call_command("create_provider_key", centre.credit_code, "--signing", "off")
    call_command("create_provider_key", centre.credit_code, "--signing", "on")
    assert SECRET.findall(capsys.readouterr().out) == []
    signing = SigningSettings.objects.get(provider=centre)
    assert first == [signing.secret] and signing.signing_required

    call_command("create_provider_key", centre.credit_code, "--rotate-secret")

    signing.refresh_from_db()
    assert SECRET.findall(capsys.readouterr().out) == [signing.secret]
    assert signing.previous_secret == first[0]
