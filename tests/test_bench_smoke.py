"""The approval benchmark, run small so that it cannot rot: its reviewer processes,
its data builder and its invariant checks all still work, and find nothing wrong."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench targets PostgreSQL"),
    # The reviewer processes have their own connections: they see only committed data.
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("reviewers", [1, 2])
def test_the_approval_bench_finds_no_invariant_violations(reviewers):
    from bench import approvals

    result = approvals.run(reviewers=reviewers, applications=20)

    assert result.violations == []
    assert result.unexpected == []
    # 20 applications of one entity; the budget allows 18 awards and half of one more
    # (two reviewers racing for the last full award can leave that half unused).
    assert result.approved + sum(result.refused.values()) == 20
    assert result.approved in (18, 19)
    assert result.refused


def test_the_approval_bench_lists_the_statements_of_one_approval():
    from bench import approvals

    sent = [statement for _, statement in approvals.queries_per_approval()]

    # The permission check is paid on every approval, as it is per request...
    assert "SELECT accounts_membership" in sent
    # ...and the entity's cap is used before the programme's available account is
    # debited (the lock order).
    assert sent.index("UPDATE vouchers_capusage") < sent.index("UPDATE vouchers_ledgeraccount")
