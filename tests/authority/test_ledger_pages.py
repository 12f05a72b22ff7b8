"""A programme's books in the government portal: its accounts and balances, its entries
(each with its audit event), filtered by the kind of account, paged, in a fixed number
of queries; another authority's programme is a 404."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import builders
from tests.authority.conftest import signed_in
from vouchers.models import LedgerAccount
from vouchers.services.applications import approve_application
from vouchers.services.redemption import redeem


@pytest.fixture
def voucher(application, carol):
    return approve_application(application=application, by=carol).voucher


def accounts_page(client, programme, query=""):
    return client.get(f"/authority/ledger/{programme.pk}/{query}")


def entries_page(client, programme, query=""):
    return client.get(f"/authority/ledger/{programme.pk}/entries/{query}")


def test_the_ledger_lists_the_officers_programmes(as_bob, programme):
    page = as_bob.get("/authority/ledger/").content.decode()
    assert f"/authority/ledger/{programme.pk}/" in page


def test_the_accounts_show_their_balances_and_hold_the_budget(as_bob, programme, voucher):
    accounts = list(accounts_page(as_bob, programme).context["page"])

    balances = {account.kind: account.balance for account in accounts if not account.allow_negative}
    assert balances == {"available": programme.total_budget - Decimal("50000.00"),
                        "reserve": Decimal("50000.00")}  # fmt: skip
    assert sum(account.balance for account in accounts) == 0


def test_the_accounts_filter_by_kind(as_bob, programme, voucher):
    (reserve,) = accounts_page(as_bob, programme, "?kind=reserve").context["page"]
    assert reserve.voucher == voucher
    everything = accounts_page(as_bob, programme, "?kind=nonsense").context["page"]
    assert everything.paginator.count == LedgerAccount.objects.filter(programme=programme).count()


def test_the_entries_filter_by_kind_of_account_and_by_account(as_bob, programme, voucher):
    every = entries_page(as_bob, programme).context["page"]
    reserve = entries_page(as_bob, programme, "?kind=reserve").context["page"]
    account = voucher.reserve_account
    of_account = entries_page(as_bob, programme, f"?account={account.pk}").context["page"]

    assert [e.kind for e in every.object_list] == ["commit", "fund"]  # newest first
    assert [e.kind for e in reserve.object_list] == ["commit"]
    assert [e.kind for e in of_account.object_list] == ["commit"]
    assert [e.event.action for e in every.object_list] == ["ledger.commit", "ledger.fund"]


def test_an_account_of_another_programme_is_a_404(as_bob, programme, voucher, hangzhou, centre):
    henry = builders.member("henry", "programme_manager", authority=hangzhou)
    theirs = builders.programme(authority=hangzhou, manager=henry, providers=[centre])
    account = LedgerAccount.objects.filter(programme=theirs).first()
    assert entries_page(as_bob, programme, f"?account={account.pk}").status_code == 404
    for url in (f"/authority/ledger/{theirs.pk}/", f"/authority/ledger/{theirs.pk}/entries/"):
        assert as_bob.get(url).status_code == 404
    assert str(theirs.pk) not in [
        str(p.pk) for p in as_bob.get("/authority/ledger/").context["page"]
    ]


def test_company_and_provider_staff_are_refused(programme, company, centre_engineer):
    for user in (company.clerk, centre_engineer):
        client = signed_in(user)
        assert client.get("/authority/ledger/").status_code == 403
        assert accounts_page(client, programme).status_code == 403


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_take_the_same_queries_for_few_entries_or_many(
    as_bob, programme, voucher, centre_engineer
):
    urls = [f"/authority/ledger/{programme.pk}/", f"/authority/ledger/{programme.pk}/entries/"]
    few = [count_queries(as_bob, url) for url in urls]
    for _ in range(30):
        redeem(voucher=voucher, billed_amount="10.00", by=centre_engineer)

    assert [count_queries(as_bob, url) for url in urls] == few
