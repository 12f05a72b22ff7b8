"""Who may call: a live key of the provider, within its rate, seeing only its own data."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from api.models import ApiKey
from api.services.keys import create_key, revoke_key
from config.errors import DomainError
from tests.billing.api.helpers import client_with, error_of

pytestmark = pytest.mark.django_db


def test_it_refuses_a_request_without_a_key(centre):
    response = client_with(None).get("/api/v1/contracts")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "header", ["Bearer vk_nope", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer é", "Bearer vk_\x00ab"]
)
def test_it_refuses_an_unknown_or_malformed_key(centre_key, header):
    client = client_with(None)
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/contracts").status_code == 401


def test_it_refuses_a_key_with_the_right_prefix_and_a_wrong_secret(centre_key):
    forged = centre_key.raw[:-4] + ("AAAA" if not centre_key.raw.endswith("AAAA") else "BBBB")
    response = client_with(forged).get("/api/v1/contracts")
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_key"


def test_it_refuses_a_revoked_key(api, centre_key):
    assert api.get("/api/v1/contracts").status_code == 200
    revoke_key(key=centre_key, by=None)
    response = api.get("/api/v1/contracts")
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_key"


def test_it_stores_only_a_hash_and_a_prefix_of_the_key(centre_key):
    stored = ApiKey.objects.get(pk=centre_key.pk)
    assert centre_key.raw.startswith(stored.prefix)
    assert centre_key.raw not in (stored.key_hash, stored.prefix, stored.name)


def test_it_allows_two_live_keys_for_a_rotation_and_no_third(centre, centre_key):
    _, second = create_key(provider=centre, by=None)
    assert client_with(second).get("/api/v1/contracts").status_code == 200

    with pytest.raises(DomainError, match="at most 2 live keys"):
        create_key(provider=centre, by=None)
    revoke_key(key=centre_key, by=None)
    create_key(provider=centre, by=None)


def test_it_notes_when_a_key_was_last_used_at_most_once_a_minute(api, centre_key):
    api.get("/api/v1/contracts")
    first_use = ApiKey.objects.get(pk=centre_key.pk).last_used_at
    assert first_use is not None
    api.get("/api/v1/contracts")
    assert ApiKey.objects.get(pk=centre_key.pk).last_used_at == first_use
    ApiKey.objects.filter(pk=centre_key.pk).update(last_used_at=first_use - timedelta(minutes=2))
    api.get("/api/v1/contracts")
    assert ApiKey.objects.get(pk=centre_key.pk).last_used_at > first_use - timedelta(minutes=1)


def test_it_throttles_each_key_on_its_own(settings, api, centre):
    settings.API_THROTTLE_RATE = "2/min"
    assert [api.get("/api/v1/contracts").status_code for _ in range(3)] == [200, 200, 429]
    response = api.get("/api/v1/contracts")
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    _, second = create_key(provider=centre, by=None)
    assert client_with(second).get("/api/v1/contracts").status_code == 200


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_the_throttle_counts_in_redis_where_every_web_process_sees_it(api, centre_key):
    store = redis.Redis.from_url(django_settings.CACHE_URL)
    assert not store.keys("*ratelimit*")

    api.get("/api/v1/contracts")

    assert store.keys(f"*ratelimit:key{centre_key.pk}:*")


def test_with_redis_the_cache_is_redis_in_a_database_apart_from_the_broker():
    script = "from django.conf import settings; print(settings.CACHES['default']['LOCATION'])"
    shell = [sys.executable, "-c", f"import django; django.setup(); {script}"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("CACHE_URL", None)
    root = Path(__file__).resolve().parents[3]
    answer = subprocess.run(
        shell, cwd=root, env={**env, "REDIS_URL": "redis://queue:6379/0"},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert answer.stdout.strip() == "redis://queue:6379/1"


def test_the_command_prints_a_working_key_once_and_revokes_it(centre, capsys):
    call_command("create_provider_key", centre.credit_code.lower(), "--name", "prod")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert client_with(raw).get("/api/v1/contracts").status_code == 200
    prefix = ApiKey.objects.get(provider=centre).prefix
    call_command("create_provider_key", centre.credit_code, "--revoke", prefix)
    assert client_with(raw).get("/api/v1/contracts").status_code == 401


def test_the_command_names_an_unknown_provider(db):
    with pytest.raises(CommandError, match="no provider"):
        call_command("create_provider_key", "91510100MA00000000")


def test_an_unknown_address_and_a_wrong_method_answer_in_the_error_shape(api):
    assert error_of(api.get("/api/v1/nothing-here"))["code"] == "not_found"
    # Even an address with a line break in it (found by schemathesis).
    assert error_of(api.get("/api/v1/usage-files/1%0A"))["code"] == "not_found"
    response = api.delete("/api/v1/contracts")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_an_inactive_provider_cannot_call(api, centre):
    type(centre).objects.filter(pk=centre.pk).update(is_active=False)
    assert api.get("/api/v1/contracts").status_code == 401


def test_a_request_costs_one_query_for_the_key_once_its_use_is_noted(
    api, centre_key, django_assert_num_queries
):
    api.get("/api/v1/usage-files/1")  # notes the key's first use
    with django_assert_num_queries(2):  # the key (with provider and signing), the file
        assert api.get("/api/v1/usage-files/1").status_code == 404
