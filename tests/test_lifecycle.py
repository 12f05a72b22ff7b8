"""The application and voucher state machines, driven through the services.

Personas from conftest: alice manages Chengdu's programme, bob reviews for Chengdu, dave
for Hangzhou; 星河 (`company`) holds a submitted application for a 100,000 yuan contract
with the 成都智算中心 (`centre`), entitled to 50,000 (50%, cap 1,000,000, minimum 10,000).
"""

import copy
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import Membership
from audit.models import AuditEvent
from config.errors import DomainError
from tests import builders
from vouchers.models import (
    Application,
    CapUsage,
    LedgerAccount,
    LedgerEntry,
    Voucher,
)
from vouchers.services import ledger
from vouchers.services.applications import (
    approve_application,
    create_application,
    reject_application,
    return_application,
    submit_application,
    withdraw_application,
)
from vouchers.services.closing import close_vouchers, revoke_voucher
from vouchers.services.ledger_check import check_ledger
from vouchers.services.programmes import revise_rules
from vouchers.services.redemption import redeem

Role = Membership.Role
BUDGET = Decimal("10000000.00")


def on(day: date):
    """Run services as if today were `day` (conftest pins it to 2024-06-01)."""
    return mock.patch("django.utils.timezone.localdate", return_value=day)


@contextmanager
def refused(code: str | None = None, field: str | None = None):
    """Expect a DomainError (with that code and field) that changed no stored row."""
    before = builders.stored_rows()
    with pytest.raises(DomainError) as info:
        yield info
    if code:
        assert info.value.code == code, info.value
    if field:
        assert info.value.field == field, info.value
    assert builders.stored_rows() == before


def available(programme) -> Decimal:
    return ledger.available_account(programme).balance


def cap_used(programme, entity) -> Decimal:
    usage = CapUsage.objects.filter(programme=programme, entity=entity).first()
    return usage.used if usage else Decimal("0.00")


def reserve(voucher) -> Decimal:
    return LedgerAccount.objects.get(voucher=voucher).balance


def approved_voucher(application, by, amount=None) -> Voucher:
    approve_application(application=application, by=by, amount=amount)
    return Voucher.objects.get(application=application)


def fresh(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def voucher(application, bob):
    """Active, face value 50,000, expires 2025-05-31."""
    return approved_voucher(application, bob)


@pytest.fixture
def notice_programme(chengdu, alice, centre):
    """Vouchers issue into five days of public notice (公示)."""
    return builders.programme(
        authority=chengdu, manager=alice, providers=[centre], public_notice_days=5
    )


# --- the application state machine ------------------------------------------------

STATES = ("draft", "submitted", "returned", "approved", "rejected", "withdrawn")
ALLOWED = {
    "submit": {"draft", "returned"},
    "return": {"submitted"},
    "approve": {"submitted"},
    "reject": {"submitted"},
    "withdraw": {"draft", "submitted", "returned"},
}
DISALLOWED = [
    (state, action)
    for action, sources in ALLOWED.items()
    for state in STATES
    if state not in sources
]


def application_in(state, *, programme, company, centre, reviewer) -> Application:
    if state == "draft":
        signed = builders.contract(entity=company, provider=centre)
        return create_application(
            entity=company, contract=signed, programme=programme, by=company.clerk
        )
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    steps = {
        "submitted": lambda: application,
        "returned": lambda: return_application(application=application, by=reviewer, note="补充"),
        "approved": lambda: approve_application(application=application, by=reviewer),
        "rejected": lambda: reject_application(application=application, by=reviewer, note="不符"),
        "withdrawn": lambda: withdraw_application(application=application, by=company.clerk),
    }
    return steps[state]()


def act(action, application, *, clerk, reviewer):
    steps = {
        "submit": lambda: submit_application(application=application, by=clerk),
        "return": lambda: return_application(application=application, by=reviewer, note="补充材料"),
        "approve": lambda: approve_application(application=application, by=reviewer),
        "reject": lambda: reject_application(application=application, by=reviewer, note="不符合"),
        "withdraw": lambda: withdraw_application(application=application, by=clerk),
    }
    return steps[action]()


@pytest.mark.parametrize(("state", "action"), DISALLOWED)
def test_a_disallowed_transition_is_refused_and_changes_nothing(
    state, action, programme, company, centre, bob
):
    application = application_in(
        state, programme=programme, company=company, centre=centre, reviewer=bob
    )
    assert application.status == state

    with refused("bad_state", "status"):
        act(action, application, clerk=company.clerk, reviewer=bob)

    assert fresh(application).status == state


@pytest.mark.parametrize(("state", "action"), [(s, a) for a, ss in ALLOWED.items() for s in ss])
def test_an_allowed_transition_moves_the_application(
    state, action, programme, company, centre, bob
):
    application = application_in(
        state, programme=programme, company=company, centre=centre, reviewer=bob
    )

    act(action, application, clerk=company.clerk, reviewer=bob)

    target = {
        "submit": "submitted",
        "return": "returned",
        "approve": "approved",
        "reject": "rejected",
        "withdraw": "withdrawn",
    }
    assert fresh(application).status == target[action]


def test_a_returned_application_is_resubmitted_and_approved(application, bob, company):
    return_application(application=application, by=bob, note="请补充算力使用计划")
    assert fresh(application).review_note == "请补充算力使用计划"

    submit_application(application=application, by=company.clerk)
    approve_application(application=application, by=bob)

    assert fresh(application).status == Application.Status.APPROVED
    assert Voucher.objects.get(application=application).face_value == Decimal("50000.00")


def test_a_rejection_needs_a_reason(application, bob):
    with refused(field="review_note"):
        reject_application(application=application, by=bob, note="   ")

    reject_application(application=application, by=bob, note="合同不属实")
    assert fresh(application).status == Application.Status.REJECTED
    assert application.decided_by == bob
    assert not Voucher.objects.filter(application=application).exists()
    assert available(application.programme) == BUDGET


def test_approval_issues_a_voucher_and_commits_budget_and_cap(application, bob, company):
    voucher = approved_voucher(application, bob)

    assert fresh(application).approved_amount == Decimal("50000.00")
    assert application.decided_by == bob
    assert voucher.status == Voucher.Status.ACTIVE
    assert (voucher.entity, voucher.contract) == (company, application.contract)
    assert voucher.expires_on == date(2025, 5, 31)
    assert reserve(voucher) == Decimal("50000.00")
    assert available(application.programme) == BUDGET - Decimal("50000.00")
    assert cap_used(application.programme, company) == Decimal("50000.00")
    commit = LedgerEntry.objects.get(kind=LedgerEntry.Kind.COMMIT)
    assert (commit.voucher, commit.amount) == (voucher, Decimal("50000.00"))


# --- the approved amount -------------------------------------------------------------


def test_a_reviewer_may_approve_less_than_the_entitlement(application, bob, company):
    voucher = approved_voucher(application, bob, amount="30000.00")

    assert voucher.face_value == Decimal("30000.00")
    assert available(application.programme) == BUDGET - Decimal("30000.00")
    assert cap_used(application.programme, company) == Decimal("30000.00")


def test_an_approval_above_the_entitlement_is_refused(application, bob):
    with refused(field="amount"):
        approve_application(application=application, by=bob, amount="50000.01")

    assert approved_voucher(application, bob, amount="50000.00").face_value == Decimal("50000.00")


def test_the_entitlement_is_recomputed_at_approval_time(
    application, programme, company, centre, bob
):
    """Filed entitled to 50,000; meanwhile a 970,000 award leaves 30,000 of the cap."""
    big = builders.submitted_application(
        programme=programme, entity=company, provider=centre, value="1940000.00"
    )
    approve_application(application=big, by=bob)
    assert application.entitlement == Decimal("50000.00")

    with refused(field="amount"):
        approve_application(application=application, by=bob, amount="50000.00")
    with refused(field="amount"):
        approve_application(application=application, by=bob, amount="30000.01")

    voucher = approved_voucher(application, bob)
    assert voucher.face_value == Decimal("30000.00")
    assert fresh(application).entitlement == Decimal("30000.00")
    assert cap_used(programme, company) == Decimal("1000000.00")


@pytest.mark.parametrize(("amount", "accepted"), [("9999.99", False), ("10000.00", True)])
def test_an_amount_below_the_minimum_award_is_refused(application, bob, amount, accepted):
    if accepted:
        assert approved_voucher(application, bob, amount=amount).face_value == Decimal(amount)
        return
    with refused(field="amount"):
        approve_application(application=application, by=bob, amount=amount)


def test_an_entitlement_recomputed_below_the_minimum_cannot_be_approved(
    application, programme, company, centre, bob
):
    big = builders.submitted_application(
        programme=programme, entity=company, provider=centre, value="1990000.00"
    )
    approve_application(application=big, by=bob)  # 995,000: 5,000 of the cap is left

    with refused(field="amount"):
        approve_application(application=application, by=bob)


# --- who may decide ------------------------------------------------------------------


@pytest.fixture
def frank(company, chengdu):
    """Staff of 星河 and also a Chengdu reviewer: a conflict of interest in one person."""
    user = builders.member("frank", Role.ENTITY_STAFF, entity=company)
    Membership.objects.create(user=user, role=Role.REVIEWER, authority=chengdu)
    return user


def test_nobody_approves_their_own_application(programme, company, centre, frank, bob):
    signed = builders.contract(entity=company, provider=centre)
    draft = create_application(entity=company, contract=signed, programme=programme, by=frank)
    application = submit_application(application=draft, by=frank)
    before = builders.stored_rows()

    with pytest.raises((PermissionDenied, DomainError)):
        approve_application(application=application, by=frank)

    assert builders.stored_rows() == before
    approve_application(application=application, by=bob)
    assert fresh(application).status == Application.Status.APPROVED


def test_nobody_approves_an_application_they_submitted(programme, company, centre, frank):
    signed = builders.contract(entity=company, provider=centre)
    draft = create_application(
        entity=company, contract=signed, programme=programme, by=company.clerk
    )
    application = submit_application(application=draft, by=frank)

    with pytest.raises((PermissionDenied, DomainError)):
        approve_application(application=application, by=frank)


@pytest.mark.parametrize("action", ["approve", "return", "reject"])
def test_a_reviewer_of_another_authority_cannot_decide(application, dave, company, action):
    before = builders.stored_rows()

    with pytest.raises(PermissionDenied):
        act(action, application, clerk=company.clerk, reviewer=dave)

    assert builders.stored_rows() == before


# --- public notice and activation ----------------------------------------------------


def test_a_voucher_in_public_notice_becomes_active_after_the_notice(
    notice_programme, company, centre, bob, centre_engineer
):
    application = builders.submitted_application(
        programme=notice_programme, entity=company, provider=centre
    )
    voucher = approved_voucher(application, bob)
    assert voucher.status == Voucher.Status.PUBLIC_NOTICE
    assert voucher.notice_ends_on == date(2024, 6, 6)
    # The cap counts vouchers still in notice.
    assert cap_used(notice_programme, company) == Decimal("50000.00")
    with refused("bad_state"):
        redeem(voucher=voucher, billed_amount="1000.00", by=centre_engineer)

    assert close_vouchers(today=date(2024, 6, 5)) == {"expired": 0, "activated": 0}
    assert fresh(voucher).status == Voucher.Status.PUBLIC_NOTICE

    assert close_vouchers(today=date(2024, 6, 6)) == {"expired": 0, "activated": 1}
    assert fresh(voucher).status == Voucher.Status.ACTIVE
    assert AuditEvent.objects.filter(action="voucher.activate", object_id=str(voucher.pk)).exists()
    used = redeem(
        voucher=voucher, billed_amount="1000.00", by=centre_engineer, used_on=date(2024, 6, 6)
    )
    assert used == Decimal("500.00")


# --- redemption ----------------------------------------------------------------------


def test_redemption_rounds_the_subsidy_down_to_the_fen(voucher, centre_engineer):
    assert redeem(voucher=voucher, billed_amount="1000.01", by=centre_engineer) == Decimal("500.00")

    assert fresh(voucher).redeemed == Decimal("500.00")
    assert reserve(voucher) == Decimal("49500.00")
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REDEEM)
    assert (entry.amount, entry.credit.provider) == (Decimal("500.00"), voucher.provider)


def test_a_billed_amount_worth_less_than_a_fen_posts_nothing(voucher, centre_engineer):
    entries = LedgerEntry.objects.count()

    assert redeem(voucher=voucher, billed_amount="0.01", by=centre_engineer) == Decimal("0.00")

    assert LedgerEntry.objects.count() == entries
    assert fresh(voucher).redeemed == Decimal("0.00")


def test_redemption_stops_at_the_face_value(voucher, centre_engineer):
    assert redeem(voucher=voucher, billed_amount="99999.98", by=centre_engineer) == Decimal(
        "49999.99"
    )
    assert fresh(voucher).status == Voucher.Status.ACTIVE

    assert redeem(voucher=voucher, billed_amount="1000.00", by=centre_engineer) == Decimal("0.01")

    assert fresh(voucher).status == Voucher.Status.EXHAUSTED
    assert voucher.redeemed == voucher.face_value == Decimal("50000.00")
    assert reserve(voucher) == Decimal("0.00")
    with refused("bad_state"):
        redeem(voucher=voucher, billed_amount="1000.00", by=centre_engineer)


def _expire(voucher, bob):
    close_vouchers(today=voucher.expires_on + timedelta(days=1))


def _revoke(voucher, bob):
    revoke_voucher(voucher=voucher, by=bob, reason="合同解除")


@pytest.mark.parametrize("close", [_expire, _revoke], ids=["expired", "revoked"])
def test_a_closed_voucher_cannot_be_redeemed(voucher, bob, centre_engineer, close):
    close(voucher, bob)

    with refused("bad_state"):
        redeem(voucher=voucher, billed_amount="1000.00", by=centre_engineer)


# --- closing: expiry and revocation --------------------------------------------------


def test_a_voucher_is_usable_through_its_expiry_date(voucher):
    assert close_vouchers(today=voucher.expires_on) == {"expired": 0, "activated": 0}
    assert fresh(voucher).status == Voucher.Status.ACTIVE


@pytest.mark.parametrize("close", [_expire, _revoke], ids=["expired", "revoked"])
def test_closing_a_voucher_releases_its_unused_value(voucher, bob, centre_engineer, company, close):
    programme = voucher.programme
    redeem(voucher=voucher, billed_amount="1000.00", by=centre_engineer)

    close(voucher, bob)

    assert fresh(voucher).status in (Voucher.Status.EXPIRED, Voucher.Status.REVOKED)
    assert voucher.released == Decimal("49500.00")
    assert reserve(voucher) == Decimal("0.00")
    assert available(programme) == BUDGET - Decimal("500.00")
    assert cap_used(programme, company) == Decimal("500.00")
    release = LedgerEntry.objects.get(kind=LedgerEntry.Kind.RELEASE)
    assert (release.voucher, release.amount) == (voucher, Decimal("49500.00"))
    assert check_ledger(programmes=[programme]).problems == []


def test_a_revocation_needs_a_reason_and_a_reviewer_of_the_authority(voucher, bob, dave):
    with refused(field="reason"):
        revoke_voucher(voucher=voucher, by=bob, reason=" ")
    before = builders.stored_rows()
    with pytest.raises(PermissionDenied):
        revoke_voucher(voucher=voucher, by=dave, reason="越权")
    assert builders.stored_rows() == before


def test_released_value_can_be_awarded_again_up_to_the_cap(
    programme, company, centre, bob, centre_engineer
):
    full = builders.submitted_application(
        programme=programme, entity=company, provider=centre, value="2000000.00"
    )
    voucher = approved_voucher(full, bob)
    assert cap_used(programme, company) == Decimal("1000000.00")
    signed = builders.contract(entity=company, provider=centre)
    waiting = create_application(
        entity=company, contract=signed, programme=programme, by=company.clerk
    )
    with refused(field="eligibility"):
        submit_application(application=waiting, by=company.clerk)

    redeem(voucher=voucher, billed_amount="1000.00", by=centre_engineer)
    revoke_voucher(voucher=voucher, by=bob, reason="项目终止")
    assert cap_used(programme, company) == Decimal("500.00")

    submit_application(application=waiting, by=company.clerk)
    assert approved_voucher(waiting, bob).face_value == Decimal("50000.00")
    rest = builders.submitted_application(
        programme=programme, entity=company, provider=centre, value="2000000.00"
    )
    assert approved_voucher(rest, bob).face_value == Decimal("949500.00")
    assert cap_used(programme, company) == Decimal("1000000.00")


def test_close_vouchers_run_twice_changes_nothing_the_second_time(
    notice_programme, company, centre, bob
):
    with on(date(2024, 1, 10)):
        early = builders.submitted_application(
            programme=notice_programme, entity=company, provider=centre
        )
        old = approved_voucher(early, bob)  # in notice until 01-15, expires 2025-01-14
    with on(date(2024, 1, 20)):
        close_vouchers(today=date(2024, 1, 20))
    recent = approved_voucher(
        builders.submitted_application(programme=notice_programme, entity=company, provider=centre),
        bob,
    )

    assert close_vouchers(today=date(2025, 1, 20)) == {"expired": 1, "activated": 1}
    assert (fresh(old).status, fresh(recent).status) == ("expired", "active")
    before = builders.stored_rows()

    assert close_vouchers(today=date(2025, 1, 20)) == {"expired": 0, "activated": 0}
    assert builders.stored_rows() == before


# --- rule versions -------------------------------------------------------------------


def stricter_rules() -> dict:
    """Version 2: revenue floor raised to 30,000,000, rate lowered to 30%."""
    rules = copy.deepcopy(builders.CHENGDU_RULES)
    for rule in rules["rules"]:
        if rule["kind"] == "revenue_floor":
            rule["min_revenue"] = "30000000.00"
    rules["rate_tiers"] = [{"rate": "0.30", "when": {}}]
    return rules


def test_an_application_keeps_the_rule_version_it_was_filed_under(
    application, programme, company, centre, alice, bob
):
    return_application(application=application, by=bob, note="补充")
    revise_rules(programme=programme, by=alice, rules=stricter_rules(), note="收紧")

    submit_application(application=application, by=company.clerk)
    voucher = approved_voucher(application, bob)

    assert fresh(application).ruleset.version == 1
    assert (voucher.rate, voucher.face_value) == (Decimal("0.5000"), Decimal("50000.00"))


def test_a_later_application_is_judged_by_the_new_rule_version(
    application, programme, company, centre, alice, bob
):
    revise_rules(programme=programme, by=alice, rules=stricter_rules(), note="收紧")
    bigger = builders.entity(name="成都大模型研究院有限公司", revenue="50000000.00")

    later = builders.submitted_application(programme=programme, entity=bigger, provider=centre)
    signed = builders.contract(entity=company, provider=centre)
    too_small = create_application(
        entity=company, contract=signed, programme=programme, by=company.clerk
    )

    assert later.ruleset.version == too_small.ruleset.version == 2
    assert approved_voucher(later, bob).face_value == Decimal("30000.00")
    assert too_small.eligible is False
    with refused(field="eligibility"):
        submit_application(application=too_small, by=company.clerk)


# --- one subsidy per contract --------------------------------------------------------


@pytest.fixture
def other_programme(chengdu, alice, centre):
    return builders.programme(authority=chengdu, manager=alice, providers=[centre])


@pytest.mark.parametrize("first_state", ["submitted", "approved"])
@pytest.mark.parametrize("where", ["same programme", "another programme"])
def test_a_contract_is_subsidised_only_once(
    application, programme, other_programme, company, bob, first_state, where
):
    if first_state == "approved":
        approve_application(application=application, by=bob)
    target = programme if where == "same programme" else other_programme
    second = create_application(
        entity=company, contract=application.contract, programme=target, by=company.clerk
    )

    with refused():
        submit_application(application=second, by=company.clerk)

    assert fresh(second).status == Application.Status.DRAFT
    assert Voucher.objects.filter(contract=application.contract).count() == (
        1 if first_state == "approved" else 0
    )


def test_a_withdrawn_applications_contract_may_be_filed_again(
    application, other_programme, company
):
    withdraw_application(application=application, by=company.clerk)
    second = create_application(
        entity=company, contract=application.contract, programme=other_programme, by=company.clerk
    )

    assert submit_application(application=second, by=company.clerk).status == "submitted"


# --- the audit trail -----------------------------------------------------------------


def test_every_state_change_and_ledger_movement_is_audited(
    programme, company, centre, bob, centre_engineer
):
    clerk = company.clerk
    signed = builders.contract(entity=company, provider=centre)
    application = create_application(entity=company, contract=signed, programme=programme, by=clerk)
    submit_application(application=application, by=clerk)
    return_application(application=application, by=bob, note="补充")
    submit_application(application=application, by=clerk)
    voucher = approved_voucher(application, bob)
    redeem(voucher=voucher, billed_amount="1000.00", by=centre_engineer)
    revoke_voucher(voucher=voucher, by=bob, reason="违规")

    changes = [
        ("application.submitted", clerk, "draft", "submitted"),
        ("application.returned", bob, "submitted", "returned"),
        ("application.submitted", clerk, "returned", "submitted"),
        ("application.approve", bob, "submitted", "approved"),
        ("voucher.redeem", centre_engineer, "active", "active"),
        ("voucher.revoke", bob, "active", "revoked"),
    ]
    events = (
        AuditEvent.objects.filter(object_type__in=["application", "voucher"])
        .exclude(action__in=["application.create", "voucher.issue"])
        .order_by("pk")
    )
    assert [(e.action, e.actor, e.before["status"], e.after["status"]) for e in events] == (changes)
    redemption = AuditEvent.objects.get(action="voucher.redeem")
    assert redemption.actor == centre_engineer
    assert (redemption.before["redeemed"], redemption.after["redeemed"]) == ("0.00", "500.00")
    assert AuditEvent.objects.get(action="voucher.issue").after["face_value"] == "50000.00"

    entries = LedgerEntry.objects.filter(programme=programme)
    assert [e.kind for e in entries] == ["fund", "commit", "redeem", "release"]
    for entry in entries:
        event = AuditEvent.objects.get(object_type="ledgerentry", object_id=str(entry.pk))
        assert event.actor == entry.actor is not None
        assert event.after == {
            "debit": entry.debit.key,
            "credit": entry.credit.key,
            "amount": str(entry.amount),
            "reference": entry.reference,
        }
    assert all(e.programme_id == programme.pk for e in events)


def test_expiry_is_audited_as_the_system(voucher):
    close_vouchers(today=voucher.expires_on + timedelta(days=1))

    expiry = AuditEvent.objects.get(action="voucher.expire")
    assert expiry.actor is None
    assert (expiry.before["status"], expiry.after["status"]) == ("active", "expired")
    assert (expiry.before["released"], expiry.after["released"]) == ("0.00", "50000.00")
    release = LedgerEntry.objects.get(kind=LedgerEntry.Kind.RELEASE)
    assert AuditEvent.objects.filter(object_type="ledgerentry", object_id=str(release.pk)).exists()


# --- append-only history -------------------------------------------------------------

APPEND_ONLY = [AuditEvent, LedgerEntry]


TEXT_FIELD = {AuditEvent: "action", LedgerEntry: "reference"}


def _first(model):
    return model.objects.order_by("pk").first()


def _save(model):
    row = _first(model)
    setattr(row, TEXT_FIELD[model], "rewritten")
    row.save()


def _bulk_update(model):
    row = _first(model)
    setattr(row, TEXT_FIELD[model], "rewritten")
    model.objects.bulk_update([row], [TEXT_FIELD[model]])


ORM_WRITES = {
    "instance.save": _save,
    "instance.delete": lambda model: _first(model).delete(),
    "queryset.update": lambda model: model.objects.update(**{TEXT_FIELD[model]: "rewritten"}),
    "queryset.delete": lambda model: model.objects.all().delete(),
    "bulk_update": _bulk_update,
}


@pytest.mark.parametrize("model", APPEND_ONLY, ids=lambda m: m.__name__)
@pytest.mark.parametrize("write", list(ORM_WRITES))
def test_history_cannot_be_rewritten_through_the_orm(voucher, model, write):
    before = builders.stored_rows()

    # A savepoint: bulk_update's own atomic block would otherwise poison the test's.
    with pytest.raises(PermissionError), transaction.atomic():
        ORM_WRITES[write](model)

    assert builders.stored_rows() == before


def test_nobody_applies_to_a_programme_that_is_not_published(chengdu, alice, centre, company):
    draft_programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], publish=False
    )
    signed = builders.contract(entity=company, provider=centre)
    with pytest.raises(DomainError) as refusal:
        create_application(
            entity=company, contract=signed, programme=draft_programme, by=company.clerk
        )
    assert refusal.value.field == "programme"
    assert not Application.objects.exists()


def test_an_expired_voucher_cannot_be_revoked_and_nothing_changes(voucher, bob):
    _expire(voucher, bob)
    entries = LedgerEntry.objects.count()

    with refused("bad_state"):
        revoke_voucher(voucher=voucher, by=bob, reason="合同解除")

    assert fresh(voucher).status == Voucher.Status.EXPIRED
    assert LedgerEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("limits", "code"),
    [({"budget": "50000.00"}, "budget_exhausted"), ({"annual_cap": "50000.00"}, "cap_exceeded")],
    ids=["budget", "cap"],
)
def test_an_approval_names_the_limit_that_ran_out(
    chengdu, alice, bob, centre, company, limits, code
):
    """Two applications of 50,000 each, filed while 50,000 was left: once the first is
    approved, the second is refused and told whether the budget or the cap ran out."""
    programme = builders.programme(authority=chengdu, manager=alice, providers=[centre], **limits)
    first, second = (
        builders.submitted_application(programme=programme, entity=company, provider=centre)
        for _ in range(2)
    )
    approve_application(application=first, by=bob)

    with refused(code, field="amount"):
        approve_application(application=second, by=bob)
    assert fresh(second).status == Application.Status.SUBMITTED


def test_a_transfer_that_would_overdraw_a_voucher_reserve_is_refused(voucher, bob):
    redeemed = ledger.redeemed_account(voucher.programme_id, voucher.provider_id)

    with refused("voucher_exhausted", "amount"), transaction.atomic():
        ledger.transfer(
            debit=voucher.reserve_account,
            credit=redeemed,
            amount=voucher.face_value + Decimal("0.01"),
            kind=LedgerEntry.Kind.REDEEM,
            by=bob,
            voucher=voucher,
        )

    assert check_ledger(programmes=[voucher.programme]).problems == []
