"""The review queue and the voucher list: filters, sorting, counts, pages, and a fixed
number of queries whatever the number of rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership
from tests import builders
from vouchers.models import Application
from vouchers.services.applications import approve_application


def shown(response) -> set[int]:
    return {row.pk for row in response.context["page"]}


@pytest.fixture
def three(programme, centre):
    """Three waiting applications of three companies: 100,000, 60,000 and 40,000 yuan
    contracts (entitled to 50,000, 30,000, 20,000); the third a food manufacturer of
    Jinjiang district (510104), the others software companies of Chengdu (510100)."""
    made = []
    profiles = ({}, {}, {"industry": "13", "region": "510104"})
    for number, value in enumerate(("100000.00", "60000.00", "40000.00")):
        entity = builders.entity(name=f"成都测试{number}号科技有限公司", **profiles[number])
        made.append(
            builders.submitted_application(
                programme=programme, entity=entity, provider=centre, value=value
            )
        )
    return made


def test_the_queue_opens_on_the_waiting_applications(as_bob, three, carol):
    approve_application(application=three[0], by=carol)
    assert shown(as_bob.get("/authority/queue/")) == {three[1].pk, three[2].pk}
    assert shown(as_bob.get("/authority/queue/?status=")) == {a.pk for a in three}


def test_it_counts_by_status(as_bob, three, carol):
    approve_application(application=three[0], by=carol)
    counts = {status: n for status, _, n in as_bob.get("/authority/queue/").context["counts"]}
    assert (counts["submitted"], counts["approved"], counts["draft"]) == (2, 1, 0)


def test_it_filters_by_amount_range(as_bob, three):
    response = as_bob.get("/authority/queue/?amount_min=25000&amount_max=50000")
    assert shown(response) == {three[0].pk, three[1].pk}


def test_it_filters_by_programme_and_provider_of_its_own_authority_only(
    as_bob, three, programme, centre, hangzhou
):
    assert shown(as_bob.get(f"/authority/queue/?programme={programme.pk}")) == {a.pk for a in three}
    assert shown(as_bob.get(f"/authority/queue/?provider={centre.pk}")) == {a.pk for a in three}
    henry = builders.member("henry", Membership.Role.PROGRAMME_MANAGER, authority=hangzhou)
    other = builders.programme(
        authority=hangzhou, manager=henry, providers=[centre], code="hangzhou-2024"
    )
    refused = as_bob.get(f"/authority/queue/?programme={other.pk}")
    assert "programme" in refused.context["filter"].errors


def test_it_filters_by_industry_section_and_region(as_bob, three):
    # Division 13 (agricultural food processing) is in section C (manufacturing).
    assert shown(as_bob.get("/authority/queue/?industry=C")) == {three[2].pk}
    assert shown(as_bob.get("/authority/queue/?region=510104")) == {three[2].pk}
    assert shown(as_bob.get("/authority/queue/?region=5101")) == {a.pk for a in three}


def test_it_filters_by_age(as_bob, three):
    Application.objects.filter(pk=three[0].pk).update(
        submitted_at=timezone.now() - timedelta(days=10)
    )
    assert shown(as_bob.get("/authority/queue/?waiting_days=7")) == {three[0].pk}


def test_it_searches_by_name_and_sorts_by_amount(as_bob, three):
    assert shown(as_bob.get("/authority/queue/?q=测试1号")) == {three[1].pk}
    rows = list(as_bob.get("/authority/queue/?sort=-amount").context["page"])
    assert [row.entitlement for row in rows] == [
        Decimal("50000.00"),
        Decimal("30000.00"),
        Decimal("20000.00"),
    ]


def test_the_queue_pages(as_bob, programme, centre, settings):
    from authority.views import common

    common.PAGE_SIZE, saved = 2, common.PAGE_SIZE
    try:
        for number in range(3):
            entity = builders.entity(name=f"成都分页{number}号科技有限公司")
            builders.submitted_application(programme=programme, entity=entity, provider=centre)
        second = as_bob.get("/authority/queue/?page=2")
        assert len(second.context["page"]) == 1
    finally:
        common.PAGE_SIZE = saved


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_costs_the_same_queries_for_one_row_or_many(as_bob, programme, centre):
    builders.submitted_application(programme=programme, entity=builders.entity(), provider=centre)
    few = queries(as_bob, "/authority/queue/")
    for number in range(5):
        entity = builders.entity(name=f"成都查询{number}号科技有限公司")
        builders.submitted_application(programme=programme, entity=entity, provider=centre)
    assert queries(as_bob, "/authority/queue/") == few


def test_the_voucher_list_costs_the_same_queries_for_one_row_or_many(
    as_bob, programme, centre, carol
):
    def issue(name):
        application = builders.submitted_application(
            programme=programme, entity=builders.entity(name=name), provider=centre
        )
        approve_application(application=application, by=carol)

    issue("成都券一科技有限公司")
    few = queries(as_bob, "/authority/vouchers/")
    for number in range(4):
        issue(f"成都券{number}号科技有限公司")
    assert queries(as_bob, "/authority/vouchers/") == few


def test_the_voucher_list_shows_the_amounts_and_filters_by_status(
    as_bob, programme, company, centre, carol
):
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    voucher = approve_application(application=application, by=carol).voucher
    page = as_bob.get("/authority/vouchers/?status=active")
    assert shown(page) == {voucher.pk}
    assert "¥50,000.00" in page.content.decode()
    assert not shown(as_bob.get("/authority/vouchers/?status=revoked"))
    assert shown(as_bob.get(f"/authority/vouchers/?q={voucher.code[:8]}")) == {voucher.pk}


def test_the_queue_marks_an_application_awaiting_a_second_reviewer(as_carol, three, bob):
    from vouchers.services.second_review import propose

    propose(application=three[1], by=bob)
    rows = {
        row.pk: row.awaiting_second for row in as_carol.get("/authority/queue/").context["page"]
    }
    assert rows == {three[0].pk: False, three[1].pk: True, three[2].pk: False}


def test_a_voucher_in_public_notice_says_until_when(as_bob, chengdu, alice, centre, company, carol):
    noticed = builders.programme(
        authority=chengdu,
        manager=alice,
        providers=[centre],
        code="noticed-2024",
        public_notice_days=7,
    )
    application = builders.submitted_application(programme=noticed, entity=company, provider=centre)
    voucher = approve_application(application=application, by=carol).voucher
    page = as_bob.get("/authority/vouchers/?status=public_notice").content.decode()
    assert 'data-testid="notice-ends"' in page
    assert voucher.notice_ends_on.strftime("%Y年%-m月%-d日") in page


def test_the_queue_names_each_region_beside_its_code(as_bob, three):
    page = as_bob.get("/authority/queue/").content.decode()
    assert "成都市锦江区 (510104)" in page
    assert "成都市 (510100)" in page
