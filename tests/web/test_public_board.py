"""The public notice board (公示): open to anyone, showing what the policies publish and
nothing else, in a fixed number of queries."""

import csv
import io
import json

import pytest
from django.utils.timezone import localtime

from tests import builders
from tests.web.conftest import award

pytestmark = pytest.mark.django_db


def board(programme):
    return f"/public/{programme.code}/"


def test_a_visitor_sees_the_programmes_without_logging_in(client, noticed_programme):
    page = client.get("/public/").content.decode()
    assert "成都市算力券" in page
    assert board(noticed_programme) in page


def test_the_programme_list_names_programmes_in_english_when_asked(
    english_client, noticed_programme
):
    assert "Chengdu compute vouchers" in english_client.get("/public/").content.decode()


def test_a_draft_programme_is_not_on_the_board(client, chengdu, alice, centre):
    draft = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], code="draft-1", publish=False
    )
    assert "draft-1" not in client.get("/public/").content.decode()
    assert client.get(board(draft)).status_code == 404
    assert client.get(f"{board(draft)}awards.csv").status_code == 404
    assert client.get(f"{board(draft)}awards.json").status_code == 404


def test_an_unknown_programme_is_404(client, db):
    assert client.get("/public/nowhere/").status_code == 404


def test_an_award_in_notice_shows_what_the_policy_publishes(client, noticed_award, company, centre):
    page = client.get(board(noticed_award.programme)).content.decode()
    assert company.name in page
    assert company.credit_code in page
    assert "¥50,000.00" in page
    assert centre.name in page
    assert "公示中" in page
    assert "2024年6月8日" in page  # notice ends a week after 1 June


def test_the_board_in_english_shows_the_same_award(english_client, noticed_award):
    page = english_client.get(board(noticed_award.programme)).content.decode()
    assert "In public notice" in page
    assert "June 8, 2024" in page
    assert "¥50,000.00" in page


def test_an_award_in_notice_offers_the_objection_address(client, noticed_award):
    page = client.get(board(noticed_award.programme)).content.decode()
    assert 'href="mailto:objection@jxj.chengdu.gov.cn?subject=chengdu-2024"' in page


def test_no_objection_link_when_nothing_is_in_notice(client, noticed_programme):
    assert "mailto:" not in client.get(board(noticed_programme)).content.decode()


def test_the_summary_counts_budget_commitments_and_awards(client, noticed_award):
    page = client.get(board(noticed_award.programme)).content.decode()
    assert "¥10,000,000.00" in page  # budget
    assert page.count("¥50,000.00") >= 2  # the award and what it commits


def test_nothing_private_is_public(client, noticed_award, company):
    """Declarations (revenue, employees, evidence), contract values and numbers and
    voucher codes never reach the board or its open data."""
    contract = noticed_award.contract
    declaration = noticed_award.application.declaration
    secrets = [
        noticed_award.code,
        contract.number,
        "100,000.00",
        "100000.00",
        f"{declaration.prior_year_revenue:,.2f}",
        str(declaration.prior_year_revenue),
        "evidence",
    ]
    programme = noticed_award.programme
    pages = [
        client.get(board(programme)).content.decode(),
        b"".join(client.get(f"{board(programme)}awards.csv").streaming_content).decode(),
        client.get(f"{board(programme)}awards.json").content.decode(),
    ]
    for page in pages:
        for secret in secrets:
            assert secret not in page


def test_the_awards_are_open_data_in_csv(client, noticed_award, company, centre):
    response = client.get(f"{board(noticed_award.programme)}awards.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "entity_name,credit_code,amount,provider,status,issued_on,notice_ends_on"
    assert lines[1] == (
        f"{company.name},{company.credit_code},50000.00,{centre.name},public_notice,"
        f"{localtime(noticed_award.issued_at).date().isoformat()},2024-06-08"
    )


def test_the_awards_are_open_data_in_json(client, noticed_award, company):
    data = json.loads(client.get(f"{board(noticed_award.programme)}awards.json").content)
    assert data["programme"] == "chengdu-2024"
    assert data["awards"][0]["credit_code"] == company.credit_code
    assert data["awards"][0]["amount"] == "50000.00"


def test_a_revoked_voucher_leaves_the_board(client, noticed_award, bob):
    from vouchers.services.closing import revoke_voucher

    revoke_voucher(voucher=noticed_award, by=bob, reason="objection upheld")
    page = client.get(board(noticed_award.programme)).content.decode()
    assert noticed_award.entity.name not in page


def other_company(name, serial):
    return builders.entity(name=name, credit_code=builders.credit_code(serial=serial))


def test_the_board_searches_by_name_and_by_credit_code(
    client, noticed_programme, noticed_award, centre, bob
):
    other = other_company("成都云图数据有限公司", 9001)
    award(programme=noticed_programme, entity=other, provider=centre, reviewer=bob)
    by_name = client.get(board(noticed_programme), {"q": "云图"}).content.decode()
    assert other.name in by_name
    assert noticed_award.entity.name not in by_name
    by_code = client.get(board(noticed_programme), {"q": other.credit_code.lower()})
    assert other.name in by_code.content.decode()


def test_an_htmx_search_gets_only_the_awards_partial(client, noticed_award):
    response = client.get(board(noticed_award.programme), {"q": "星河"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="awards">')
    assert noticed_award.entity.name in html
    assert "<html" not in html


def test_the_board_filters_by_status(client, noticed_award):
    awarded_only = client.get(board(noticed_award.programme), {"status": "awarded"})
    assert noticed_award.entity.name not in awarded_only.content.decode()


def test_the_board_pages_its_awards(client, noticed_programme, centre, bob, company):
    for serial in range(26):
        entity = other_company(f"成都测试{serial}有限公司", 9100 + serial)
        award(programme=noticed_programme, entity=entity, provider=centre, reviewer=bob)
    first = client.get(board(noticed_programme)).content.decode()
    assert "第 1 页，共 2 页" in first
    second = client.get(board(noticed_programme), {"page": 2}).content.decode()
    assert "第 2 页，共 2 页" in second


@pytest.mark.parametrize("awards", [1, 6])
def test_the_board_runs_a_fixed_number_of_queries(
    client, noticed_programme, centre, bob, awards, django_assert_num_queries
):
    for serial in range(awards):
        entity = other_company(f"成都固定{serial}有限公司", 9200 + serial)
        award(programme=noticed_programme, entity=entity, provider=centre, reviewer=bob)
    # programme, summary, by region, by industry, count, page of rows
    with django_assert_num_queries(6):
        client.get(board(noticed_programme))
    with django_assert_num_queries(2):  # programme, rows
        b"".join(client.get(f"{board(noticed_programme)}awards.csv").streaming_content)
    with django_assert_num_queries(2):  # programmes: count, page
        client.get("/public/")


FORMULA_NAMES = [
    '=HYPERLINK("http://evil.example","点击")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-1+1",
]  # a tab or CR at the start is refused in a name (control character); csv_safe's tests


def test_the_awards_csv_shows_formulas_in_names_as_text(client, noticed_programme, centre, bob):
    for serial, name in enumerate(FORMULA_NAMES):
        entity = other_company(name, 9300 + serial)
        award(programme=noticed_programme, entity=entity, provider=centre, reviewer=bob)
    response = client.get(f"{board(noticed_programme)}awards.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [row["entity_name"] for row in csv.DictReader(io.StringIO(text, newline=""))]
    assert sorted(names) == sorted("'" + name for name in FORMULA_NAMES)


def test_the_breakdown_names_the_region_in_the_readers_language(
    client, english_client, noticed_award
):
    # The award's company is registered in Chengdu (510100, from its credit code).
    chinese = client.get(board(noticed_award.programme)).content.decode()
    english = english_client.get(board(noticed_award.programme)).content.decode()
    assert '<th scope="row">成都市</th>' in chinese
    assert '<th scope="row">Chengdu</th>' in english
    assert '<th scope="row">510100</th>' not in chinese + english


def test_the_programme_names_its_region_in_english(english_client, client, noticed_programme):
    english = english_client.get(board(noticed_programme)).content.decode()
    assert "· Chengdu ·" in english
    assert "成都市" in client.get(board(noticed_programme)).content.decode()
    assert '<td data-label="Region">Chengdu</td>' in english_client.get("/public/").content.decode()
