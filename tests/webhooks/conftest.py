"""Webhook tests: a real HTTP receiver (tests/webhooks/receiver.py) and the data."""

import pytest
from celery import current_app

from tests import builders
from tests.billing.conftest import issue
from webhooks.services import create_endpoint


@pytest.fixture(autouse=True)
def tasks_in_process():
    """The attempts run in the test's process, with a broker configured or not: these
    tests are about what is sent, not about the queue."""
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


@pytest.fixture
def endpoint(receiver, centre, centre_engineer):
    return create_endpoint(provider=centre, url=receiver.url, events=[], by=centre_engineer)


@pytest.fixture
def voucher(programme, company, centre, bob):
    return issue(programme, company, centre, bob, "HT-2024-001")


@pytest.fixture
def other_centre(db):
    return builders.provider(name="贵州算力中心")
