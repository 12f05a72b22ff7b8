"""Reconciliation: records applied to vouchers exactly as the brief says."""

from datetime import date
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from billing import reconcile as reconcile_module
from billing.models import ReconciliationException, UsageRecord
from billing.reconcile import reconcile
from tests import builders
from tests.billing.conftest import assert_ledger_holds, issue, send, usage
from vouchers.models import Contract, LedgerEntry
from vouchers.services.closing import expire_voucher, revoke_voucher


def record(record_id):
    return UsageRecord.objects.get(record_id=record_id)


def test_a_subsidy_is_rate_times_amount_rounded_down_to_the_fen(voucher, centre):
    send(centre, [usage(record_id="a", amount="0.03"), usage(record_id="b", amount="99.99")])

    reconcile()

    assert (record("a").subsidy, record("b").subsidy) == (Decimal("0.01"), Decimal("49.99"))
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("50.00")
    assert_ledger_holds(voucher.programme)


def test_records_are_applied_by_period_then_record_id_up_to_what_is_left(
    programme, company, centre, bob
):
    # Approved at 30,000: 20,000 billed earns 10,000, 30,000 earns 15,000, the next 30,000
    # only the 5,000 left and the last record nothing, whatever order they came in.
    voucher = issue(programme, company, centre, bob, "HT-CAPPED", amount="30000.00")
    send(centre, [
        usage(record_id="late", amount="10000.00", day=20, contract="HT-CAPPED"),
        usage(record_id="b", amount="30000.00", day=12, contract="HT-CAPPED"),
        usage(record_id="a", amount="30000.00", day=12, contract="HT-CAPPED"),
        usage(record_id="first", amount="20000.00", day=1, contract="HT-CAPPED"),
    ])  # fmt: skip

    reconcile()

    subsidies = {r.record_id: r.subsidy for r in UsageRecord.objects.all()}
    assert subsidies == {"first": Decimal("10000.00"), "a": Decimal("15000.00"),
                         "b": Decimal("5000.00"), "late": Decimal("0.00")}  # fmt: skip
    voucher.refresh_from_db()
    assert (voucher.redeemed, voucher.status) == (Decimal("30000.00"), "exhausted")
    assert_ledger_holds(voucher.programme)


def test_running_it_again_changes_nothing(voucher, centre):
    send(centre, [usage(record_id="a", amount="10.00"), usage(record_id="x", contract="HT-NONE")])
    reconcile()
    rows = list(UsageRecord.objects.values())
    entries = LedgerEntry.objects.count()

    outcome = reconcile()

    assert list(UsageRecord.objects.values()) == rows
    assert LedgerEntry.objects.count() == entries
    assert (outcome.vouchers, outcome.records_redeemed, outcome.exceptions) == (0, 0, 0)


def test_each_run_leaves_a_ledger_entry_and_audit_events(voucher, centre):
    send(centre, [usage(record_id="a", amount="10.00"), usage(record_id="b", amount="20.00")])

    reconcile()

    entry = LedgerEntry.objects.get(kind="redeem", voucher=voucher)
    assert entry.amount == Decimal("15.00")
    assert entry.reference == f"reconcile:{record('a').reconcile_run}"
    event = AuditEvent.objects.get(action="voucher.redeem", object_id=str(voucher.pk))
    assert (event.before["redeemed"], event.after["redeemed"]) == ("0.00", "15.00")
    assert AuditEvent.objects.filter(action="ledger.redeem", object_id=str(entry.pk)).exists()


def assert_exception(record_id, reason):
    found = record(record_id)
    assert (found.status, found.exception, found.subsidy) == ("exception", reason, None)
    case = ReconciliationException.objects.get(record=found)
    assert (case.reason, case.status) == (reason, "open")


def test_a_record_for_an_unknown_contract_is_an_exception(voucher, centre):
    send(centre, [usage(record_id="x", contract="HT-UNKNOWN")])

    reconcile()

    assert_exception("x", "unknown_contract")


def test_a_record_for_a_contract_without_voucher_is_an_exception(voucher, centre, company):
    builders.contract(entity=company, provider=centre, number="HT-NO-VOUCHER")
    send(centre, [usage(record_id="x", contract="ht-no-voucher")])

    reconcile()

    assert_exception("x", "no_voucher")


def test_another_providers_record_never_matches_this_contract(voucher, centre):
    other = builders.provider(name="贵州算力中心")
    send(other, [usage(record_id="x")])

    reconcile()

    assert_exception("x", "unknown_contract")
    voucher.refresh_from_db()
    assert voucher.redeemed == 0


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (
            {
                "period_start": "2023-12-31T00:00:00+08:00",
                "period_end": "2023-12-31T23:59:59+08:00",
            },
            "outside_contract_period",
        ),
        ({"month": 5}, "outside_voucher_validity"),
        (
            {"period_end": "2025-01-01T10:00:00+08:00", "month": 12, "day": 31},
            "outside_contract_period",
        ),
    ],
)
def test_a_record_outside_the_periods_is_an_exception(voucher, centre, fields, reason):
    send(centre, [usage(record_id="x", **fields)])

    reconcile()

    assert_exception("x", reason)


def test_the_period_is_judged_in_shanghai_time(voucher, centre):
    # 2024-05-31 17:00 UTC is 2024-06-01 01:00 in Shanghai: inside the voucher's validity.
    send(centre, [usage(record_id="x", period_start="2024-05-31T17:00:00+00:00")])

    reconcile()

    assert record("x").status == "redeemed"


def test_a_record_on_a_revoked_voucher_is_an_exception(voucher, centre, bob):
    revoke_voucher(voucher=voucher, by=bob, reason="合同解除")
    send(centre, [usage(record_id="x")])

    reconcile()

    assert_exception("x", "voucher_revoked")
    assert_ledger_holds(voucher.programme)


def test_a_record_on_an_expired_voucher_is_an_exception(voucher, centre):
    expire_voucher(voucher=voucher, today=date(2025, 6, 1))
    send(centre, [usage(record_id="x")])

    reconcile()

    assert_exception("x", "voucher_expired")


def test_a_record_on_a_disputed_contract_is_an_exception(voucher, centre):
    Contract.objects.filter(pk=voucher.contract_id).update(provider_status="disputed")
    send(centre, [usage(record_id="x")])

    reconcile()

    assert_exception("x", "disputed_contract")


def test_billing_beyond_the_contract_value_is_an_exception(voucher, centre):
    send(
        centre,
        [
            usage(record_id="a", amount="99999.99", day=1),
            usage(record_id="b", amount="0.01", day=2),
        ],
    )
    reconcile()
    send(centre, [usage(record_id="c", amount="0.01", day=3)])

    reconcile()

    assert record("b").status == "redeemed"
    assert_exception("c", "contract_value_exceeded")


def test_a_unit_price_far_above_the_usual_is_an_exception(voucher, centre):
    usual = [usage(record_id=f"u{i}", amount="100.00", quantity="10", day=i + 1) for i in range(5)]
    send(centre, usual)
    reconcile()
    send(centre, [usage(record_id="dear", amount="310.00", quantity="10", day=9),
                  usage(record_id="fine", amount="300.00", quantity="10", day=9)])  # fmt: skip

    reconcile()

    assert_exception("dear", "unit_price_outlier")
    assert record("fine").status == "redeemed"


def test_a_voucher_in_public_notice_earns_nothing_yet(programme, company, centre, bob):
    programme.public_notice_days = 7
    programme.save()
    noticed = issue(programme, company, centre, bob, "HT-NOTICE")
    send(centre, [usage(record_id="x", contract="HT-NOTICE", day=20)])

    reconcile()

    assert_exception("x", "voucher_not_active")
    noticed.refresh_from_db()
    assert noticed.redeemed == 0


def test_records_of_several_vouchers_are_reconciled_in_chunks(programme, company, centre, bob):
    vouchers = [
        issue(programme, company, centre, bob, f"HT-{i}", value="20000.00") for i in range(3)
    ]
    send(centre, [usage(record_id=f"r{i}", contract=f"HT-{i}", amount="100.00") for i in range(3)])

    outcome = reconcile(chunk=1)

    assert (outcome.vouchers, outcome.records_redeemed, len(outcome.runs)) == (3, 3, 3)
    assert_ledger_holds(programme)
    assert all(v.usage_records.get().subsidy == Decimal("50.00") for v in vouchers)


def test_a_record_arriving_behind_the_claim_is_reconciled_in_the_same_run(
    programme, company, centre, bob, monkeypatch
):
    # The run claims vouchers in id order; a record for the first voucher that arrives
    # while the second is being reconciled is caught by the last look from the start.
    first, _ = [
        issue(programme, company, centre, bob, f"HT-{i}", value="20000.00") for i in range(2)
    ]
    send(centre, [usage(record_id=f"r{i}", contract=f"HT-{i}") for i in range(2)])
    real_post_run = reconcile_module.post_run

    def post_run(*, voucher_ids, run):
        if voucher_ids != [first.pk] and not UsageRecord.objects.filter(record_id="late").exists():
            send(centre, [usage(record_id="late", contract="HT-0", day=11)])
        return real_post_run(voucher_ids=voucher_ids, run=run)

    monkeypatch.setattr(reconcile_module, "post_run", post_run)

    outcome = reconcile(chunk=1)

    assert (outcome.vouchers, outcome.records_redeemed, len(outcome.runs)) == (3, 3, 3)
    assert record("late").status == "redeemed"
    assert_ledger_holds(programme)


def test_a_worker_for_one_programme_leaves_the_others_records(
    voucher, centre, chengdu, alice, company, bob
):
    other = builders.programme(authority=chengdu, manager=alice, providers=[centre])
    theirs = issue(other, company, centre, bob, "HT-OTHER")
    send(centre, [usage(record_id="mine"), usage(record_id="theirs", contract="HT-OTHER")])

    reconcile(programme_id=voucher.programme_id)

    assert (record("mine").status, record("theirs").status) == ("redeemed", "pending")
    reconcile(programme_id=theirs.programme_id)
    assert record("theirs").status == "redeemed"
