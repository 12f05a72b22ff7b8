"""Signing in the back office and from the command line: switching it keeps the secret
(an officer saving the page must not break a provider's integration); only the rotate
action or `--rotate-secret` issues a new one, and the old one verifies until the next."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Membership, User
from api.models import ApiKey, SigningSettings
from api.services.keys import set_signing

pytestmark = pytest.mark.django_db
SECRET = re.compile(r"[0-9a-f]{64}")


@pytest.fixture
def admin_client(admin_client, admin_user, centre):
    """The back office as the centre's own staff: only they manage its signing."""
    Membership.objects.create(user=admin_user, role=Membership.Role.PROVIDER_STAFF, provider=centre)
    return admin_client


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


@pytest.fixture
def viewer(client, centre_key):
    """Staff who may look at the API's keys and signing settings, and change nothing."""
    user = User.objects.create_user("vera", password="pass", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_apikey", "view_signingsettings"])
    )
    client.force_login(user)
    return client


def test_staff_who_may_only_look_can_neither_revoke_a_key_nor_rotate_a_secret(
    viewer, centre, centre_key
):
    signing, _ = set_signing(provider=centre, required=True, by=None)
    for model, action, pk in [
        ("apikey", "revoke", centre_key.pk),
        ("signingsettings", "rotate", signing.pk),
    ]:
        url = reverse(f"admin:api_{model}_changelist")
        page = viewer.get(url)
        assert page.status_code == 200
        assert f'value="{action}"' not in page.content.decode()
        viewer.post(url, {"action": action, ACTION_CHECKBOX_NAME: [pk], "index": 0})

    assert ApiKey.objects.get(pk=centre_key.pk).revoked_at is None
    assert SigningSettings.objects.get(pk=signing.pk).secret == signing.secret


def test_the_command_names_a_provider_without_a_secret_to_rotate(centre):
    with pytest.raises(CommandError, match="no signing settings"):
        call_command("create_provider_key", centre.credit_code, "--rotate-secret")
