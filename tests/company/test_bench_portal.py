"""The portal benchmark, run small so that it cannot rot: its loader makes rows the
pages accept, and every page it times answers."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_portal_bench_loads_rows_and_times_every_page():
    from bench import portal_pages

    world = portal_pages.load(applications=60, vouchers=20, entities=4, heavy=0.5)

    assert world.entity.applications.count() == 30
    assert world.entity.vouchers.count() == 10
    timings = portal_pages.measure(world, repeat=2)
    assert [t.page for t in timings] == list(portal_pages.PAGES)
    assert all(t.queries > 0 and t.median_ms > 0 for t in timings)
