"""Test keys in the provider portal: created on the keys page (password asked again,
audited) next to the live ones, shown once with the sandbox's vouchers, and acting on
the sandbox only."""

import re

from django.utils import timezone

from api.models import ApiKey
from api.services.keys import live_key
from audit.models import AuditEvent
from tests.authority.conftest import signed_in
from tests.provider.conftest import *  # noqa: F403 (the personas)
from vouchers.models import Voucher
from web.auth import SESSION_KEY as RECENT_LOGIN

SECRET = re.compile(r'data-testid="secret">([^<]+)<')


def create_test_key(client, name="sandbox"):
    return client.post("/provider/keys/create/", {"kind": "test", "test-name": name})


def test_a_test_key_is_shown_once_with_the_sandbox_vouchers(as_erin, centre):
    response = create_test_key(as_erin)

    page = response.content.decode()
    raw = SECRET.search(page).group(1).strip()
    assert raw.startswith("sk_test_") and "no-store" in response["Cache-Control"]
    key = live_key(raw)
    assert (key.provider, key.is_test, key.name) == (centre, True, "sandbox")
    sandbox_codes = Voucher.objects.filter(provider__sandbox_of=centre).values_list(
        "code", flat=True
    )
    assert len(sandbox_codes) == 2 and all(code in page for code in sandbox_codes)
    assert AuditEvent.objects.filter(action="api_key.create", after__test=True).exists()


def test_the_keys_page_marks_test_keys_and_counts_them_apart(as_erin, centre):
    for name in ("one", "two"):
        as_erin.post("/provider/keys/create/", {"name": name})
    create_test_key(as_erin)

    page = as_erin.get("/provider/keys/").content.decode()

    assert ApiKey.objects.filter(provider=centre, is_test=True).count() == 1
    assert ApiKey.objects.filter(provider=centre, is_test=False).count() == 2
    assert 'data-testid="key-limit"' in page and 'data-testid="sandbox-vouchers"' in page
    assert create_test_key(as_erin, "second").status_code == 200
    assert create_test_key(as_erin, "third").status_code == 400


def test_a_test_key_asks_for_the_password_again(centre_engineer, centre):
    stale = signed_in(centre_engineer, verified=False)
    session = stale.session
    session[RECENT_LOGIN] = timezone.now().timestamp() - 3600
    session.save()

    response = create_test_key(stale)

    assert response.status_code == 302 and "/confirm" in response["Location"]
    assert not ApiKey.objects.filter(provider=centre).exists()


def test_another_providers_staff_makes_a_test_key_for_their_own_sandbox(as_oscar, rival, centre):
    raw = SECRET.search(create_test_key(as_oscar).content.decode()).group(1).strip()
    assert live_key(raw).provider == rival
    assert not Voucher.objects.filter(provider__sandbox_of=centre).exists()


def test_the_shown_once_page_prints_the_header_to_send_as_text(as_erin):
    page = create_test_key(as_erin).content.decode()
    assert "Authorization: Bearer &lt;密钥&gt;" in page
