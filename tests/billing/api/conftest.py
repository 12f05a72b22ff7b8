"""Personas of the provider API: the 成都智算中心 (`centre`, from tests/conftest.py) calls
with its key through `api`; 杭州云算 (`rival`) is another provider with its own key,
contract and voucher, which the centre must never see."""

import pytest
from django.core.cache import cache

from api.services.keys import create_key, set_signing
from tests import builders
from tests.billing.api.helpers import client_with
from vouchers.services.applications import approve_application


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Throttle counters live in the cache: every test starts with a full bucket."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def usage_files_outside_web_root(settings, tmp_path):
    settings.USAGE_FILE_ROOT = tmp_path / "usage-files"
    return settings.USAGE_FILE_ROOT


@pytest.fixture
def centre_key(centre):
    key, raw = create_key(provider=centre, name="billing system", by=None)
    key.raw = raw
    return key


@pytest.fixture
def api(centre_key):
    return client_with(centre_key.raw)


@pytest.fixture
def rival(db):
    return builders.provider(name="杭州云算科技有限公司", region="330100")


@pytest.fixture
def rival_api(rival):
    _, raw = create_key(provider=rival, by=None)
    return client_with(raw)


@pytest.fixture
def voucher(application, bob):
    """The centre's voucher: 50,000 yuan at 50% on a 100,000 yuan contract."""
    approve_application(application=application, by=bob)
    return application.voucher


@pytest.fixture
def contract(application):
    return application.contract


@pytest.fixture
def rival_voucher(chengdu, alice, bob, rival):
    other = builders.programme(authority=chengdu, manager=alice, providers=[rival])
    company = builders.entity(name="成都云帆科技有限公司")
    application = builders.submitted_application(
        programme=other, entity=company, provider=rival, number="HZ-001"
    )
    approve_application(application=application, by=bob)
    return application.voucher


@pytest.fixture
def signing_secret(centre):
    _, secret = set_signing(provider=centre, required=True, by=None)
    return secret


@pytest.fixture
def processed(django_capture_on_commit_callbacks):
    """`with processed():` runs the tasks a request queued, in-process, as its transaction
    commits (as without REDIS_URL), whatever broker the test run has."""
    from contextlib import contextmanager

    from config.celery import app

    @contextmanager
    def run_queued_tasks():
        previous, app.conf.task_always_eager = app.conf.task_always_eager, True
        try:
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                yield callbacks
        finally:
            app.conf.task_always_eager = previous

    return run_queued_tasks
