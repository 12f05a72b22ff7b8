"""The 2011 SME standard's thresholds, tested at each sector's boundaries."""

from decimal import Decimal

import pytest

from vouchers.rules.sme import size_class

M = Decimal(1_000_000)


@pytest.mark.parametrize(
    ("employees", "revenue", "size"),
    [
        (1000, 400 * M, "large"),
        (999, 400 * M, "medium"),  # fewer than 1,000 employees is enough to be an SME
        (1000, 400 * M - Decimal("0.01"), "medium"),  # so is revenue below 400 million
        (300, 20 * M, "medium"),
        (299, 20 * M, "small"),
        (300, 20 * M - Decimal("0.01"), "small"),
        (20, 3 * M, "small"),
        (19, 3 * M, "micro"),
        (20, 3 * M - Decimal("0.01"), "micro"),
        (5000, Decimal("2999999.99"), "micro"),  # huge staff, tiny revenue
    ],
)
def test_manufacturing_boundaries(employees, revenue, size):
    assert size_class("C", employees, revenue) == size


@pytest.mark.parametrize(
    ("employees", "revenue", "size"),
    [
        (300, 100 * M, "large"),
        (299, 100 * M, "medium"),
        (300, 100 * M - Decimal("0.01"), "medium"),
        (100, 10 * M, "medium"),
        (99, 10 * M, "small"),
        (100, 10 * M - Decimal("0.01"), "small"),
        (10, Decimal("500000"), "small"),
        (9, Decimal("500000"), "micro"),
        (10, Decimal("499999.99"), "micro"),
    ],
)
def test_software_and_it_services_boundaries(employees, revenue, size):
    assert size_class("65", employees, revenue) == size


@pytest.mark.parametrize(
    ("employees", "size"),
    [(300, "large"), (299, "medium"), (100, "medium"), (99, "small"), (10, "small"), (9, "micro")],
)
def test_other_industries_are_judged_by_employees_alone(employees, size):
    assert size_class("73", employees, Decimal("0.00")) == size
    assert size_class("66", employees, 1000 * M) == size


@pytest.mark.parametrize("industry", ["B", "C", "D", "06", "39", "46"])
def test_mining_manufacturing_and_utilities_are_judged_as_industry(industry):
    assert size_class(industry, 1000, 400 * M) == "large"
    assert size_class(industry, 999, 400 * M) == "medium"
