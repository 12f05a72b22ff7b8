"""Compute used outside the contract's service period earns nothing, even on a day the
voucher is valid: the contract says what was bought and when."""

from datetime import date
from decimal import Decimal

import pytest

from tests import builders
from tests.test_invalid_input import rejected
from vouchers.services.applications import approve_application
from vouchers.services.redemption import redeem


@pytest.fixture
def voucher(programme, company, centre, bob):
    """Valid 2024-06-01 to 2025-05-31, for a contract served 2024-03-01 to 2024-09-30."""
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre, service_end=date(2024, 9, 30)
    )
    return approve_application(application=application, by=bob).voucher


@pytest.mark.parametrize("used_on", [date(2024, 10, 1), date(2025, 5, 31)])
def test_use_after_the_service_period_but_within_the_validity_is_refused(
    voucher, centre_engineer, used_on
):
    assert voucher.valid_from <= used_on <= voucher.expires_on
    with rejected("used_on") as info:
        redeem(voucher=voucher, billed_amount="1000.00", by=centre_engineer, used_on=used_on)
    assert "service period" in info.value.en

    # The last day of the service period still earns its subsidy.
    last_day = date(2024, 9, 30)
    assert redeem(
        voucher=voucher, billed_amount="1000.00", by=centre_engineer, used_on=last_day
    ) == Decimal("500.00")
