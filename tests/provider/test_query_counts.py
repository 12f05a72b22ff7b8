"""The lists read a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.services.keys import create_key
from billing.models import Settlement, UsageFile
from billing.reconcile import reconcile
from tests import builders
from tests.billing.conftest import send, usage
from tests.provider.conftest import *  # noqa: F403 (the personas)

LISTS = [
    "/provider/",
    "/provider/keys/",
    "/provider/contracts/",
    "/provider/usage-files/",
    "/provider/exceptions/",
    "/provider/statements/",
]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def more_rows(centre, company, engineer, programme, n):
    """More of every kind of row the lists show."""
    create_key(provider=centre, by=engineer, name="second")
    Settlement.objects.create(provider=centre, programme=programme, period="2024-05")
    for i in range(n):
        builders.contract(entity=company, provider=centre, number=f"HT-MORE-{i}")
        UsageFile.objects.create(provider=centre, path=f"p/{i}.csv", original_name=f"{i}.csv")
        send(centre, [usage(record_id=f"lost-{i}", contract=f"NOWHERE-{i}")])
    reconcile()


@pytest.mark.parametrize("url", LISTS)
def test_a_list_reads_as_many_queries_for_many_rows_as_for_one(
    url, as_erin, world, centre, company, centre_engineer, programme
):
    create_key(provider=centre, by=centre_engineer, name="first")
    few = queries(as_erin, url)
    more_rows(centre, company, centre_engineer, programme, 5)
    assert queries(as_erin, url) == few
