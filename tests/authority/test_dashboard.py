"""The dashboard: its money figures are the ledger's (what check_ledger recomputes from the
entries), on the demo and after approving, redeeming, paying and clawing back; the burn-down and the
waiting applications; top lists by name; the same queries whatever the rows; only the
officer's own authority."""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership
from billing.models import UsageRecord
from billing.reconcile import reconcile
from billing.settlements import approve_settlement, build_settlements
from recovery.selectors import outstanding_receivables
from recovery.services import record_finding
from tests import builders
from tests.authority.conftest import signed_in
from tests.billing.conftest import issue, send, usage
from vouchers.models import Application, LedgerEntry, Programme
from vouchers.money import from_db
from vouchers.services.ledger_check import check_ledger

URL = "/authority/dashboard/"
FIGURE_OF_KIND = {"available": "available", "reserve": "committed", "redeemed": "redeemed",
                  "payable": "payable", "paid": "paid", "receivable": "receivable",
                  "written_off": "written_off"}  # fmt: skip


def figures_from_entries(programme) -> dict:
    """Each figure recomputed from the ledger's entries (credits less debits of the
    accounts of each kind), as check_ledger recomputes each balance."""
    totals = defaultdict(Decimal)
    entries = LedgerEntry.objects.filter(programme=programme)
    for side, sign in (("credit", 1), ("debit", -1)):
        for kind, amount in entries.values_list(f"{side}__kind", "amount"):
            if kind in FIGURE_OF_KIND:
                totals[FIGURE_OF_KIND[kind]] += sign * amount
    return {"budget": programme.total_budget, **{f: totals[f] for f in FIGURE_OF_KIND.values()}}


def shown(response) -> dict:
    return {p.code: vars(f) for p, f in response.context["programmes"]}


def assert_dashboard_is_the_ledger(response, programmes):
    assert check_ledger(programmes=programmes).problems == []
    figures = shown(response)
    assert set(figures) == {p.code for p in programmes}
    for programme in programmes:
        expected = figures_from_entries(programme)
        assert figures[programme.code] == {k: from_db(v) for k, v in expected.items()}
        assert sum(v for k, v in expected.items() if k != "budget") == programme.total_budget


@pytest.fixture(autouse=True)
def clock():
    """The wall clock (what stamps ledger entries and submissions) on the morning of
    TODAY, 2024-06-01, a Saturday; a test may move it (`clock[0] = ...`)."""
    moment = [timezone.make_aware(datetime(2024, 6, 1, 10))]
    with mock.patch("django.utils.timezone.now", side_effect=lambda: moment[0]):
        yield moment


@pytest.fixture
def fiona(chengdu):
    return builders.member("fiona", Membership.Role.FINANCE_OFFICER, authority=chengdu)


@pytest.fixture
def paid_world(programme, company, centre, bob, fiona):
    """A voucher of 50,000 (approved), 100 yuan of June usage redeemed (50), its June
    statement approved by bob and paid by fiona, 40 of July usage redeemed (20), and a
    second voucher of 25,000."""
    issue(programme, company, centre, bob, "HT-2024-001")
    issue(programme, builders.entity(), centre, bob, "HT-2024-002", value="50000.00")
    send(centre, [usage(record_id="june", amount="100.00", day=3), usage(amount="40.00", month=7)])
    reconcile()
    build_settlements(period="2024-06")
    june = approve_settlement(settlement=programme.settlements.get(period="2024-06"), by=bob)
    builders.paid_through_batch(june, by=fiona)
    return programme


PAID_WORLD = {
    "budget": Decimal("10000000.00"),
    "available": Decimal("9925000.00"),
    "committed": Decimal("74930.00"),
    "redeemed": Decimal("20.00"),
    "payable": Decimal("0.00"),
    "paid": Decimal("50.00"),
    "receivable": Decimal("0.00"),
    "written_off": Decimal("0.00"),
}


def test_the_figures_are_the_ledgers_after_approving_redeeming_and_paying(paid_world, bob):
    response = signed_in(bob).get(URL)

    assert response.status_code == 200
    assert_dashboard_is_the_ledger(response, [paid_world])
    assert shown(response)[paid_world.code] == PAID_WORLD
    html = response.content.decode()
    assert "¥9,925,000.00" in html and "¥74,930.00" in html


def test_a_claw_back_shows_as_owed_back_as_the_claw_back_pages_count_it(paid_world, bob, chengdu):
    record = UsageRecord.objects.get(record_id="june")
    pdf = SimpleUploadedFile("audit.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    record_finding(record=record, amount="10.00", reason="审计", evidence=pdf, by=bob)

    response = signed_in(bob).get(URL)

    assert_dashboard_is_the_ledger(response, [paid_world])
    figures = shown(response)[paid_world.code]
    assert (figures["paid"], figures["receivable"]) == (Decimal("40.00"), Decimal("10.00"))
    [(_, total)] = response.context["totals"]
    assert total.receivable == outstanding_receivables(chengdu) == Decimal("10.00")


def test_the_figures_are_the_ledgers_on_the_demo(db):
    call_command("load_demo", stdout=StringIO())
    authorities = (
        Programme.objects.real().exclude(accounts=None).values_list("authority", flat=True)
    )
    for authority_id in set(authorities):
        officer = Membership.objects.filter(
            authority_id=authority_id, role__in=Membership.AUTHORITY_ROLES
        ).first()
        response = signed_in(officer.user).get(URL)
        funded = Programme.objects.real().filter(authority_id=authority_id).exclude(accounts=None)
        assert_dashboard_is_the_ledger(response, list(funded.distinct()))


def test_the_authority_total_adds_up_its_programmes(paid_world, alice, centre, bob, chengdu):
    other = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], code="cd-2025", budget="500000.00"
    )
    issue(other, builders.entity(), centre, bob, "HT-2025-001")

    response = signed_in(bob).get(URL)

    [(authority, total)] = response.context["totals"]
    assert authority == chengdu
    assert total.budget == Decimal("10500000.00")
    assert total.committed == Decimal("74930.00") + Decimal("50000.00")
    assert total.available == Decimal("9925000.00") + Decimal("450000.00")


def test_the_burn_down_starts_at_the_budget_and_ends_at_what_is_available(paid_world, bob):
    burn = signed_in(bob).get(URL).context["burn"]

    assert burn["actual"][0][1] == "9925000.00"  # funded and committed in the same week
    assert burn["actual"][-1] == ["2024-06-01", "9925000.00"]
    assert burn["forecast"] == []  # no full week of commitments yet
    assert burn["assumption"] == "尚无完整一周的承诺数据，暂不预测。"


def test_the_forecast_follows_the_pace_of_past_weeks(programme, company, centre, bob, clock):
    """75,000 committed two weeks ago, nothing last week: 37,500 a week over the two full
    weeks since, so the 9,925,000 left lasts 1,852.67 days."""
    now = clock[0]
    clock[0] = now - timedelta(weeks=2)
    issue(programme, company, centre, bob, "HT-2024-001")
    issue(programme, builders.entity(), centre, bob, "HT-2024-002", value="50000.00")
    clock[0] = now

    response = signed_in(bob, language="en").get(URL)

    outlook = response.context["outlook"]
    assert (outlook.pace, outlook.weeks) == (Decimal("37500.00"), 2)
    assert outlook.exhausted_on == builders.TODAY + timedelta(days=1853)
    assert response.context["burn"]["forecast"] == [
        ["2024-06-01", "9925000.00"],
        [outlook.exhausted_on.isoformat(), "0.00"],
    ]
    html = response.content.decode()
    assert "2 full weeks, ¥37,500.00 a week" in html
    assert "runs out around June 28, 2029" in html


def test_waiting_applications_are_counted_by_working_days(programme, company, centre, bob):
    """By 2024-06-01 (a Saturday): filed 2024-05-13, 14 working days (19 calendar days:
    not overdue); filed 2024-05-10, 16 working days, Saturday 2024-05-11 among them
    (worked in place of the Labour Day holiday: with weekends only it would be 15)."""
    for number, day in (("HT-MON", 13), ("HT-FRI", 10), ("HT-NEW", None)):
        app = builders.submitted_application(
            programme=programme, entity=builders.entity(), provider=centre, number=number
        )
        if day:
            Application.objects.filter(pk=app.pk).update(
                submitted_at=timezone.make_aware(datetime(2024, 5, day, 10))
            )

    # A row loaded without its submission stamp has no age: left out, not an error.
    unstamped = builders.submitted_application(
        programme=programme, entity=builders.entity(), provider=centre, number="HT-NONE"
    )
    Application.objects.filter(pk=unstamped.pk).update(submitted_at=None)

    response = signed_in(bob, language="en").get(URL)

    waiting = response.context["waiting"]
    assert (waiting.total, waiting.overdue, waiting.bands) == (3, 1, [1, 0, 1, 1])
    html = response.content.decode()
    assert 'class="table-danger" data-testid="overdue"' in html
    assert "less China&#x27;s public holidays" in html or "less China's public holidays" in html


def test_top_lists_show_names_not_codes(paid_world, bob):
    tops = {top["name"]: top["rows"] for top in signed_in(bob).get(URL).context["tops"]}

    assert [row["label"] for row in tops["providers"]] == ["成都智算中心"]
    assert tops["providers"][0]["awarded"] == Decimal("75000.00")
    assert tops["providers"][0]["redeemed"] == Decimal("70.00")
    labels = [row["label"] for row in tops["districts"] + tops["industries"]]
    assert labels and not any(label.isdigit() for label in labels)
    assert all(label.startswith("成都市") for label in (r["label"] for r in tops["districts"]))


def test_one_programme_of_the_authority_can_be_chosen(paid_world, alice, centre, bob, chengdu):
    other = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], code="cd-2025", budget="500000.00"
    )

    response = signed_in(bob).get(URL, {"programme": other.pk})

    assert response.context["chosen"] == other
    assert response.context["burn"]["actual"][-1][1] == "500000.00"
    assert all(top["rows"] == [] for top in response.context["tops"])
    assert len(response.context["programmes"]) == 2  # the figures table shows them all


def test_another_authoritys_programmes_are_never_shown(paid_world, dave):
    client = signed_in(dave)

    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["programmes"] == []
    assert paid_world.name_zh not in response.content.decode()
    assert client.get(URL, {"programme": paid_world.pk}).status_code == 404
    assert client.get(URL, {"programme": "x"}).status_code == 404


def test_a_sandbox_programme_is_never_in_the_figures(programme, alice, centre, bob, chengdu):
    sandbox = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], code="cd-sandbox"
    )
    Programme.objects.filter(pk=sandbox.pk).update(is_sandbox=True)
    client = signed_in(bob)

    response = client.get(URL)

    assert set(shown(response)) == {programme.code}
    assert client.get(URL, {"programme": sandbox.pk}).status_code == 404


def test_company_and_provider_staff_are_refused(paid_world, company, centre_engineer):
    assert signed_in(company.clerk).get(URL).status_code == 403
    assert signed_in(centre_engineer).get(URL).status_code == 403


def test_an_officer_without_the_second_factor_is_sent_to_verify_it(bob):
    response = signed_in(bob, verified=False).get(URL)
    assert response.status_code == 302 and "/two-factor/" in response["Location"]


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_dashboard_runs_the_same_queries_whatever_the_rows(
    programme, company, centre, bob, alice, chengdu
):
    client = signed_in(bob)
    issue(programme, company, centre, bob, "HT-Q-1")
    few = queries(client)
    other = builders.programme(authority=chengdu, manager=alice, providers=[centre], code="cd-q")
    for n in range(2, 7):
        issue(other if n % 2 else programme, builders.entity(), centre, bob, f"HT-Q-{n}")
        builders.submitted_application(
            programme=programme, entity=builders.entity(), provider=centre, number=f"HT-W-{n}"
        )
    send(centre, [usage(contract="HT-Q-1", amount="100.00", day=3)])
    reconcile()

    assert queries(client) == few
