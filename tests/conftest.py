"""Named personas shared by the tests.

alice manages Chengdu's programme, bob and carol review for Chengdu, dave reviews for
Hangzhou (another authority); 星河 is an eligible Chengdu company; the 成都智算中心 is a
designated provider."""

import os
from unittest import mock

import pytest
from hypothesis import settings as hypothesis_settings

from accounts.models import Membership
from tests import builders
from tests.append_only import flushing_past_the_triggers

# Fixtures of test helper modules that several folders use (only a root conftest may name them).
pytest_plugins = ["tests.webhooks.receiver"]

Role = Membership.Role

# In CI the same examples every run, so whether a change lands never depends on luck;
# locally fresh random examples every run, so the property tests keep exploring.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def flush_past_the_append_only_triggers():
    """Transactional tests end with a flush that the append-only triggers would refuse."""
    with flushing_past_the_triggers():
        yield


@pytest.fixture(autouse=True)
def fixed_today():
    """Business dates are judged against 2024-06-01, inside the demo programmes' window."""
    with mock.patch("django.utils.timezone.localdate", return_value=builders.TODAY):
        yield builders.TODAY


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Every persona gets a password; hashing it properly costs a fraction of a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def chengdu(db):
    return builders.AuthorityFactory()


@pytest.fixture
def hangzhou(db):
    return builders.AuthorityFactory(
        name_zh="杭州市数据资源管理局",
        name_en="Hangzhou Data Bureau",
        region_code="330100",
        region_name="杭州市",
    )


@pytest.fixture
def alice(chengdu):
    return builders.member("alice", Role.PROGRAMME_MANAGER, authority=chengdu)


@pytest.fixture
def bob(chengdu):
    return builders.member("bob", Role.REVIEWER, authority=chengdu)


@pytest.fixture
def carol(chengdu):
    return builders.member("carol", Role.REVIEWER, authority=chengdu)


@pytest.fixture
def dave(hangzhou):
    return builders.member("dave", Role.REVIEWER, authority=hangzhou)


@pytest.fixture
def centre(db):
    return builders.provider()


@pytest.fixture
def centre_engineer(centre):
    return builders.member("erin", Role.PROVIDER_STAFF, provider=centre)


@pytest.fixture
def company(db):
    return builders.entity()


@pytest.fixture
def programme(chengdu, alice, centre):
    return builders.programme(authority=chengdu, manager=alice, providers=[centre])


@pytest.fixture
def application(programme, company, centre):
    """A submitted application for a 100,000 yuan contract: entitled to 50,000."""
    return builders.submitted_application(programme=programme, entity=company, provider=centre)
