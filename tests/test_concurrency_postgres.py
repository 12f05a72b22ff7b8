"""Approvals racing each other on PostgreSQL.

Each thread has its own database connection, so these tests exercise the real row locks
`approve_application` takes in the lock order (the application row, the per-entity annual
cap `CapUsage`, the budget: the programme's available account) and the check constraints
behind them.  Threads
wait at a barrier and start together; every outcome is sent back to the main thread, and
anything other than a success or a `DomainError` (a deadlock, a lock timeout, an
IntegrityError) fails the test with its traceback.
"""

import threading
import traceback
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from accounts.models import Membership
from config.errors import DomainError
from tests import builders
from vouchers.models import Application, CapUsage, LedgerAccount, LedgerEntry, Voucher
from vouchers.services.applications import approve_application
from vouchers.services.ledger_check import check_ledger

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    # Threads use their own connections: they only see data that has been committed.
    pytest.mark.django_db(transaction=True),
]

AWARD = Decimal("50000.00")  # a 100,000 yuan contract at 50%


def race(jobs: list) -> list[tuple]:
    """Run each job (a list of zero-argument callables) in its own thread, all released
    together by a barrier.  Returns one (outcome, value) per call: ("ok", result) or
    ("error", exception)."""
    barrier = threading.Barrier(len(jobs))
    outcomes, lock = [], threading.Lock()

    def worker(calls):
        try:
            connection.ensure_connection()  # connect before the barrier, not after it
            barrier.wait(timeout=30)
            for call in calls:
                try:
                    outcome = ("ok", call())
                except Exception as exc:  # reported to the main thread, judged there
                    outcome = ("error", exc)
                with lock:
                    outcomes.append(outcome)
        except Exception as exc:
            with lock:
                outcomes.append(("error", exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(calls,)) for calls in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is still running: a lock wait?"
    return outcomes


def split(outcomes) -> tuple[list, list]:
    """Successes and refusals; fails on anything that is neither."""
    unexpected = [v for kind, v in outcomes if kind == "error" and not isinstance(v, DomainError)]
    assert not unexpected, "unexpected errors in threads:\n" + "\n".join(
        "".join(traceback.format_exception(exc)) for exc in unexpected
    )
    return [v for kind, v in outcomes if kind == "ok"], [
        v for kind, v in outcomes if kind == "error"
    ]


def approval(application, reviewer):
    return lambda: approve_application(application=application, by=reviewer)


def reviewers(chengdu, count: int) -> list:
    return [
        builders.member(f"reviewer{i}", Membership.Role.REVIEWER, authority=chengdu)
        for i in range(count)
    ]


def sixteen_reviewers_approve(chengdu, applications) -> tuple[list, list]:
    """16 reviewers of the authority, each approving its share of `applications` at once."""
    people = reviewers(chengdu, 16)
    return split(
        race(
            [[approval(a, person) for a in applications[i::16]] for i, person in enumerate(people)]
        )
    )


def assert_books_balance(programme) -> None:
    """The ledger agrees with itself, sums to zero and accounts for the whole budget."""
    assert check_ledger(programmes=[programme]).problems == []
    balances = dict(
        LedgerAccount.objects.filter(programme=programme)
        .values_list("kind")
        .annotate(total=Sum("balance"))
    )
    assert sum(balances.values()) == 0
    held = sum(balances.get(kind, 0) for kind in ("available", "reserve", "redeemed", "paid"))
    assert held == programme.total_budget
    vouchers = Voucher.objects.filter(programme=programme)
    committed = vouchers.aggregate(total=Sum("face_value"))["total"] or 0
    assert committed == programme.total_budget - balances["available"]
    assert committed <= programme.total_budget
    commits = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.COMMIT, voucher__programme=programme)
    assert sorted(commits.values_list("voucher_id", "amount")) == sorted(
        vouchers.values_list("pk", "face_value")
    )


def assert_untouched(refused_pks) -> None:
    """A refused approval leaves its application submitted, with no voucher."""
    statuses = Application.objects.filter(pk__in=refused_pks).values_list("status", flat=True)
    assert list(statuses) == [Application.Status.SUBMITTED] * len(refused_pks)
    assert not Voucher.objects.filter(application__in=refused_pks).exists()


def says_budget_ran_out(error: DomainError) -> bool:
    return "预算" in error.zh and "budget" in error.en


def says_cap_is_reached(error: DomainError) -> bool:
    # Refused by the check constraint (超过单位年度补贴上限), or up front when the
    # remaining cap read at the start of the approval is already zero (额度已用完).
    return ("上限" in error.zh or "额度" in error.zh) and "cap" in error.en


def test_concurrent_approvals_never_commit_more_than_the_budget(chengdu, alice, centre):
    budget = Decimal("500000.00")
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], budget=budget
    )
    applications = [
        builders.submitted_application(
            programme=programme, entity=builders.entity(name=f"企业{i}"), provider=centre
        )
        for i in range(40)
    ]
    approved, refused = sixteen_reviewers_approve(chengdu, applications)
    assert len(approved) == budget // AWARD == 10
    assert len(refused) == 30
    assert [e for e in refused if not says_budget_ran_out(e)] == []
    assert Voucher.objects.filter(programme=programme).count() == 10
    assert Application.objects.filter(status=Application.Status.APPROVED).count() == 10
    assert_untouched([a.pk for a in applications if a.pk not in {x.pk for x in approved}])
    assert_books_balance(programme)


def test_concurrent_approvals_never_exceed_an_entitys_annual_cap(chengdu, alice, centre):
    cap = Decimal("200000.00")
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], annual_cap=cap
    )
    company = builders.entity()
    applications = [
        builders.submitted_application(programme=programme, entity=company, provider=centre)
        for _ in range(32)
    ]
    approved, refused = sixteen_reviewers_approve(chengdu, applications)
    assert len(approved) == cap // AWARD == 4
    assert len(refused) == 28
    assert [e for e in refused if not says_cap_is_reached(e)] == []
    usage = CapUsage.objects.get(programme=programme, entity=company)
    face_values = Voucher.objects.filter(entity=company).aggregate(total=Sum("face_value"))["total"]
    assert usage.used == face_values == cap <= usage.limit
    assert_untouched([a.pk for a in applications if a.pk not in {x.pk for x in approved}])
    assert_books_balance(programme)


def test_two_reviewers_approving_one_application_issue_one_voucher(
    chengdu, alice, bob, carol, centre
):
    programme = builders.programme(authority=chengdu, manager=alice, providers=[centre])
    applications = [
        builders.submitted_application(
            programme=programme, entity=builders.entity(name=f"企业{i}"), provider=centre
        )
        for i in range(5)
    ]

    outcomes = race([[approval(a, person)] for a in applications for person in (bob, carol)])

    approved, refused = split(outcomes)
    assert sorted(a.pk for a in approved) == sorted(a.pk for a in applications)
    assert len(refused) == 5
    assert {e.code for e in refused} == {"bad_state"}
    assert all("approved" in e.en for e in refused)
    for application in applications:
        assert Voucher.objects.filter(application=application).count() == 1
    assert_books_balance(programme)
