"""The government portal's revoke page during a long reconcile: the officer reads "busy,
try again" on the voucher's page (a 400 with the form), not a 500."""

import pytest
from django.db import connection

from tests import builders
from tests.test_busy_vouchers_postgres import holding_the_voucher
from vouchers.services.applications import approve_application

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def test_a_revocation_during_a_long_reconcile_asks_the_officer_to_try_again(
    as_bob_en, programme, company, centre, carol
):
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    voucher = approve_application(application=application, by=carol).voucher
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")

    try:
        with holding_the_voucher(voucher):
            response = as_bob_en.post(
                f"/authority/vouchers/{voucher.pk}/revoke/", {"reason": "合同已解除"}
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert response.status_code == 400
    assert "try again" in response.content.decode()
    voucher.refresh_from_db()
    assert voucher.status == "active"
