"""The approval benchmark, run small so that it cannot rot: its bulk-built world, its
reviewers and its invariant checks all still work, and find nothing wrong.  On SQLite the
reviewers take turns; on PostgreSQL they are processes racing each other."""

import importlib
import json
from collections import Counter

import pytest

from bench import approvals, report
from vouchers.demo import world
from vouchers.models import Application

# The reviewer processes have their own connections: they see only committed data.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("reviewers", [1, 2])
def test_the_approval_bench_finds_no_invariant_violations(reviewers):
    result = approvals.run(reviewers=reviewers, applications=20)

    assert result.violations == []
    assert result.unexpected == []
    # 20 applications of one entity; the budget allows 18 awards and half of one more
    # (two reviewers racing for the last full award can leave that half unused).
    assert result.approved + sum(result.refused.values()) == 20
    assert result.approved in (18, 19)
    assert set(result.refused) == {"budget_exhausted"}


def test_its_bulk_world_is_submitted_and_judged_as_the_services_would():
    world = approvals.build(reviewers=1, applications=22)

    applications = Application.objects.filter(pk__in=world.application_ids)
    assert applications.filter(status="submitted", eligible=True).count() == 22
    assert {a.entitlement for a in applications} == {approvals.AWARD}
    assert applications.values("entity").distinct().count() == 2


def test_its_bulk_applications_are_judged_as_a_submitted_one_is():
    built = approvals.build(reviewers=1, applications=2)
    bulk = Application.objects.get(pk=built.application_ids[0])
    applicant = world.entity(revenue="20000000.00", employees=120, industry="65")

    by_service = world.submitted_application(
        programme=bulk.programme, entity=applicant, provider=bulk.contract.provider
    )

    assert without_names(bulk) == without_names(by_service)
    assert (bulk.eligible, bulk.rate, bulk.entitlement) == (
        by_service.eligible,
        by_service.rate,
        by_service.entitlement,
    )


def without_names(application) -> str:
    """The evaluation with the applicant's credit code and the contract number blanked:
    the only figures in which two applications of the same profile may differ."""
    text = json.dumps(application.evaluation, ensure_ascii=False, sort_keys=True)
    return text.replace(application.entity.credit_code, "").replace(application.contract.number, "")


def test_its_invariant_check_finds_a_voucher_without_its_approval():
    world = approvals.build(reviewers=1, applications=3)
    programme = Application.objects.get(pk=world.application_ids[0]).programme

    # One successful approval claimed, none made: the counts disagree.
    problems = approvals.check_invariants(programme, 1)

    assert any("counts differ" in problem for problem in problems)


def test_an_approval_sends_some_statements():
    assert approvals.statements_per_approval() > 0


def test_its_report_replaces_its_own_section_and_keeps_the_history(tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\n## History\n\nold figures\n")
    result = approvals.RunResult(16, 2000, 1.5, 10.0, 1000, Counter(), [], [])

    for _ in range(2):
        text = report.section(about={}, results=[result], statements=9, options=["--repeat", "1"])
        report.write_section(page, text)

    written = page.read_text()
    assert written.count(report.SECTION[0]) == 1
    assert "| 16 | 2000 | 1000 | 0 | 1.5 | 10.00 | 100 | 0 |" in written
    assert "met (slowest run 100/s)" in written
    assert written.endswith("## History\n\nold figures\n")


@pytest.mark.parametrize(
    "name",
    [
        "approvals",
        "authority_pages",
        "backlog",
        "billing_world",
        "ledger_trace",
        "ingest",
        "portal_pages",
        "public_board",
        "reconcile",
    ],
)
def test_every_benchmark_script_imports_what_it_uses(name):
    # A benchmark is run by hand, rarely: an import that a refactor broke would otherwise
    # only show on the day someone needs the figures.
    importlib.import_module(f"bench.{name}")
