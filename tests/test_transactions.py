"""A transaction ends only where the atomic() that opened it ends: a failure after the
voucher is issued, anywhere inside approve_application, leaves nothing written, on
PostgreSQL with real transactions as on SQLite."""

from unittest import mock

import pytest

from tests import builders
from vouchers.models import Application, Voucher
from vouchers.services import issuance, ledger
from vouchers.services.applications import approve_application

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class AfterIssuing(Exception):
    """A failure after the voucher, its ledger entry and its audit events were written."""


def test_a_failure_after_issuing_the_voucher_leaves_nothing_written(application, bob):
    budget = ledger.available_account(application.programme).balance
    before = builders.stored_rows()
    real = issuance.issue_voucher

    def issue_then_fail(**kwargs):
        real(**kwargs)
        assert Voucher.objects.filter(application=application).exists()
        raise AfterIssuing

    with (
        mock.patch.object(issuance, "issue_voucher", side_effect=issue_then_fail),
        pytest.raises(AfterIssuing),
    ):
        approve_application(application=application, by=bob)

    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not Voucher.objects.exists()
    assert ledger.available_account(application.programme).balance == budget
    assert builders.stored_rows() == before
