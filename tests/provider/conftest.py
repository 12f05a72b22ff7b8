"""Personas for the provider portal: erin is staff of the 成都智算中心 (`centre`), which
sold 星河 compute under HT-2024-001 (a voucher of 50,000 at rate 0.5); oscar is staff of
another provider (`rival`, the wrong tenant), which has a contract, a key, a usage file,
an exception and a statement of its own. `world` holds the centre's: redeemed records
on a June statement (one whose id would start a formula in a spreadsheet), and an
exception on a record with an unknown contract whose id would too."""

from types import SimpleNamespace

import pytest

from accounts.models import Membership
from api.services.keys import create_key
from billing.models import ReconciliationException, Settlement, UsageFile
from billing.reconcile import reconcile
from billing.settlements import build_settlements
from config.celery import app
from tests import builders
from tests.authority.conftest import signed_in
from tests.billing.conftest import issue, send, usage


@pytest.fixture(autouse=True)
def tasks_in_process():
    """An uploaded file is processed in-process as its request commits (as without
    REDIS_URL), whatever broker the test run has: no worker runs beside the tests."""
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def as_erin(centre_engineer):
    return signed_in(centre_engineer, verified=False)


@pytest.fixture
def as_erin_en(centre_engineer):
    return signed_in(centre_engineer, verified=False, language="en")


@pytest.fixture
def rival(db):
    return builders.provider(name="贵州算力中心")


@pytest.fixture
def oscar(rival):
    return builders.member("oscar", Membership.Role.PROVIDER_STAFF, provider=rival)


@pytest.fixture
def as_oscar(oscar):
    return signed_in(oscar, verified=False)


@pytest.fixture
def world(programme, company, centre, bob):
    voucher = issue(programme, company, centre, bob, "HT-2024-001")
    send(centre, [usage(record_id="june-1", amount="100.00", day=3)])
    send(centre, [usage(record_id="+june-2", amount="50.00", day=5)])
    send(centre, [usage(record_id="=HYPERLINK(1)", contract="HT-UNKNOWN", day=4)])
    reconcile()
    build_settlements(period="2024-06")
    return SimpleNamespace(
        usage_file=UsageFile.objects.create(provider=centre, path="p/june.csv", status="done"),
        voucher=voucher,
        contract=voucher.contract,
        statement=Settlement.objects.get(provider=centre),
        exception=ReconciliationException.objects.get(record__provider=centre),
    )


@pytest.fixture
def theirs(rival, programme, company):
    """The rival provider's own objects, which erin must never reach."""
    contract = builders.contract(entity=company, provider=rival, number="GZ-001")
    key, _ = create_key(provider=rival, by=None, name="rival")
    usage_file = UsageFile.objects.create(provider=rival, path="p0/none.csv")
    send(rival, [usage(record_id="gz-1", contract="GZ-UNKNOWN")])
    reconcile()
    statement = Settlement.objects.create(provider=rival, programme=programme, period="2024-06")
    return SimpleNamespace(
        contract=contract,
        key=key,
        usage_file=usage_file,
        statement=statement,
        exception=ReconciliationException.objects.get(record__provider=rival),
    )
