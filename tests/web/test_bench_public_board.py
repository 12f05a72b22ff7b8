"""The public board benchmark, run small so that it cannot rot: every page it times
answers, and its query counts are real."""

import pytest

from vouchers.models import Programme

pytestmark = pytest.mark.django_db


def test_the_board_bench_times_every_page():
    from bench import portal_pages, public_board

    portal_pages.load(applications=60, vouchers=20, entities=4, heavy=0.5)
    rows, awards = public_board.measure(repeat=1)

    assert awards > 0
    assert [row[0] for row in rows] == list(public_board.pages(Programme.objects.first()))
    assert all(queries > 0 and median > 0 for _page, _url, queries, median, _p90 in rows)
