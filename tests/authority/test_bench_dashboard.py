"""The dashboard benchmark, run small so that it cannot rot: the ledger it adds to the
loaded vouchers is one check_ledger accepts, and the pages it times answer with the
figures that ledger holds."""

from decimal import Decimal

import pytest

from vouchers.models import Application, Programme
from vouchers.services.ledger_check import check_ledger

pytestmark = pytest.mark.django_db


def test_the_dashboard_bench_builds_sound_books_and_times_the_pages():
    from bench import dashboard, portal_pages

    portal_pages.load(applications=60, vouchers=20, entities=4, heavy=0.5)
    assert dashboard.add_ledger() == 20
    dashboard.spread_submissions()

    assert check_ledger(programmes=Programme.objects.all()).problems == []
    waiting = Application.objects.filter(status=Application.Status.SUBMITTED)
    assert not waiting.filter(submitted_at=None).exists()
    client = dashboard.authority_pages.officer_client()
    results = dashboard.measure(client, {"all": "/authority/dashboard/"}, runs=1, repeat=1)
    assert results[0]["queries"] > 0
    response = client.get("/authority/dashboard/")
    committed = sum(f.committed for _, f in response.context["programmes"])
    assert committed == Decimal("50000.00") * 20 - Decimal("12345.67") * 20
