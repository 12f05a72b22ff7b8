"""The money invariants, checked after every step of random sequences of applications,
decisions, redemptions, revocations and the passing of time.

Each example builds its own world (a programme whose budget of 1,200,000 is smaller than
three entities' caps of 500,000 each, so both limits bind; minimum award 10,000) inside a
savepoint that is rolled back at teardown, so examples never see each other's rows.  Refusals by the
services (DomainError) are part of the game; any other exception fails the test.
"""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import hypothesis
import pytest
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import Membership
from config.errors import DomainError
from tests import builders
from vouchers.models import Application, CapUsage, LedgerAccount, LedgerEntry, Voucher
from vouchers.money import ZERO, round_down, share_of
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
from vouchers.services.redemption import redeem

Role = Membership.Role
Status = Application.Status
BUDGET = Decimal("1200000.00")
CAP = Decimal("500000.00")
UNDECIDED = (Status.SUBMITTED, Status.RETURNED)

# 1.00 to 3,000,000.00 with fen: hypothesis's decimals favour small and boundary values
# (mostly below the minimum award), so half the draws come from the eligible range.
contract_values = st.decimals(
    min_value=Decimal("1.00"), max_value=Decimal("3000000.00"), places=2
) | st.integers(min_value=2_000_000, max_value=300_000_000).map(lambda fen: Decimal(fen) / 100)
billed_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1200000.00"), places=2)
picks = st.integers(min_value=0, max_value=1000)


def total(queryset, field="balance") -> Decimal:
    # Summed in Python: SQLite's SUM() of a decimal column is a float.
    return sum(queryset.values_list(field, flat=True), ZERO)


class VoucherLedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Everything this example writes is undone in teardown.
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.today = builders.TODAY
        self.clock = mock.patch("django.utils.timezone.localdate", side_effect=lambda: self.today)
        self.clock.start()
        self.redeemed_total = ZERO
        self.authority = builders.AuthorityFactory()
        self.reviewer = builders.member("prop-reviewer", Role.REVIEWER, authority=self.authority)
        self.provider = builders.provider()
        self.engineer = builders.member(
            "prop-engineer", Role.PROVIDER_STAFF, provider=self.provider
        )
        self.entities = [builders.entity(name=f"成都测试主体{i}") for i in range(3)]
        self.clerks = {entity.pk: entity.clerk for entity in self.entities}

    @initialize(notice_days=st.sampled_from([0, 3]))
    def publish_programme(self, notice_days):
        """Vouchers issue straight into use, or into three days of public notice."""
        manager = builders.member("prop-manager", Role.PROGRAMME_MANAGER, authority=self.authority)
        self.programme = builders.programme(
            authority=self.authority,
            manager=manager,
            providers=[self.provider],
            budget=str(BUDGET),
            annual_cap=str(CAP),
            public_notice_days=notice_days,
            voucher_validity_months=1,
        )

    def teardown(self):
        self.clock.stop()
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------

    def _pick(self, queryset, pick):
        """One of the rows, chosen by an index that shrinks towards the first."""
        rows = list(queryset.order_by("pk"))
        return rows[pick % len(rows)]

    def _applications(self, *states):
        return Application.objects.filter(programme=self.programme, status__in=states)

    def _live_vouchers(self):
        live = (Voucher.Status.PUBLIC_NOTICE, Voucher.Status.ACTIVE)
        return Voucher.objects.filter(programme=self.programme, status__in=live)

    @staticmethod
    def _attempt(service, **kwargs):
        """Call a service that may refuse; the refusal is noted in the statistics."""
        try:
            done = service(**kwargs)
        except DomainError as refusal:
            hypothesis.event(f"{service.__name__} refused: {refusal.field}/{refusal.code}")
            return None
        hypothesis.event(f"{service.__name__} done")
        return done

    # --- rules -----------------------------------------------------------------------

    # A short queue of undecided applications, so that steps go to deciding them too.
    @precondition(lambda self: self._applications(*UNDECIDED).count() < 3)
    @rule(who=st.integers(0, 2), value=contract_values)
    def apply(self, who, value):
        entity = self.entities[who]
        signed = builders.contract(entity=entity, provider=self.provider, value=value)
        draft = create_application(
            entity=entity, contract=signed, programme=self.programme, by=entity.clerk
        )
        self._attempt(submit_application, application=draft, by=entity.clerk)

    @precondition(lambda self: self._applications(Status.SUBMITTED).exists())
    @rule(pick=picks, percent=st.none() | st.integers(1, 110))
    def approve(self, pick, percent):
        application = self._pick(self._applications(Status.SUBMITTED), pick)
        amount = None
        if percent is not None:
            amount = round_down(application.entitlement * percent / 100)
        approved = self._attempt(
            approve_application, application=application, by=self.reviewer, amount=amount
        )
        if approved is not None:
            # The entitlement is recomputed at approval: budget or cap released since the
            # submission (a revocation, an expiry) may raise it, never above rate x value.
            assert approved.approved_amount <= approved.entitlement
            assert approved.entitlement <= share_of(approved.contract.value, approved.rate)
            assert approved.voucher.face_value == approved.approved_amount

    @precondition(lambda self: self._applications(Status.SUBMITTED).exists())
    @rule(pick=picks)
    def reject(self, pick):
        application = self._pick(self._applications(Status.SUBMITTED), pick)
        reject_application(application=application, by=self.reviewer, note="材料不全")

    @precondition(lambda self: self._applications(*UNDECIDED).exists())
    @rule(pick=picks)
    def return_and_resubmit(self, pick):
        application = self._pick(self._applications(*UNDECIDED), pick)
        if application.status == Status.SUBMITTED:
            application = return_application(
                application=application, by=self.reviewer, note="请补充"
            )
        clerk = self.clerks[application.entity_id]
        self._attempt(submit_application, application=application, by=clerk)

    @precondition(lambda self: self._applications(*UNDECIDED).exists())
    @rule(pick=picks)
    def withdraw(self, pick):
        application = self._pick(self._applications(*UNDECIDED), pick)
        withdraw_application(application=application, by=self.clerks[application.entity_id])

    @precondition(lambda self: Voucher.objects.filter(programme=self.programme).exists())
    @rule(pick=picks, billed=billed_amounts)
    def redeem_billing(self, pick, billed):
        """Compute used today: refused unless the voucher is active and today lies in its
        validity and in the contract's service period; else rate x billed, capped."""
        voucher = self._pick(Voucher.objects.filter(programme=self.programme), pick)
        contract = voucher.contract
        usable = (
            voucher.status == Voucher.Status.ACTIVE
            and voucher.valid_from <= self.today <= voucher.expires_on
            and contract.service_start <= self.today <= contract.service_end
        )
        if not usable:
            with pytest.raises(DomainError):
                redeem(voucher=voucher, billed_amount=billed, by=self.engineer)
            return
        expected = min(share_of(billed, voucher.rate), voucher.remaining)
        subsidy = redeem(voucher=voucher, billed_amount=billed, by=self.engineer)
        voucher.refresh_from_db()
        hypothesis.event(f"redeem left the voucher {voucher.status}")
        assert subsidy == expected
        self.redeemed_total += subsidy

    @precondition(lambda self: self._live_vouchers().exists())
    @rule(pick=picks)
    def revoke(self, pick):
        voucher = self._pick(self._live_vouchers(), pick)
        revoke_voucher(voucher=voucher, by=self.reviewer, reason="核查不实")

    @precondition(lambda self: self._live_vouchers().exists())
    @rule(days=st.integers(1, 20))
    def expire(self, days):
        self.today += timedelta(days=days)
        closed = close_vouchers(today=self.today)
        hypothesis.event("close_vouchers expired some" if closed["expired"] else "expired none")
        assert not self._live_vouchers().filter(expires_on__lt=self.today).exists()

    # --- invariants ------------------------------------------------------------------

    def _balance(self, kind) -> Decimal:
        return total(LedgerAccount.objects.filter(programme=self.programme, kind=kind))

    @invariant()
    def the_budget_is_never_overcommitted(self):
        Kind = LedgerAccount.Kind
        available = self._balance(Kind.AVAILABLE)
        committed, redeemed = self._balance(Kind.RESERVE), self._balance(Kind.REDEEMED)
        paid = self._balance(Kind.PAID)
        assert available >= 0
        assert committed + redeemed <= BUDGET
        assert available + committed + redeemed + paid == BUDGET
        assert total(LedgerAccount.objects.filter(programme=self.programme)) == 0
        assert redeemed == self.redeemed_total

    @invariant()
    def cached_balances_match_the_entries(self):
        assert check_ledger(programmes=[self.programme]).problems == []

    @invariant()
    def each_voucher_holds_exactly_its_unused_value(self):
        for voucher in Voucher.objects.filter(programme=self.programme).select_related(
            "reserve_account", "application"
        ):
            assert voucher.redeemed + voucher.released <= voucher.face_value
            assert voucher.reserve_account.balance == voucher.remaining
            assert voucher.face_value == voucher.application.approved_amount
            if voucher.status in ("exhausted", "expired", "revoked"):
                assert voucher.remaining == 0, voucher.status

    @invariant()
    def each_entity_stays_within_its_cap(self):
        for entity in self.entities:
            vouchers = Voucher.objects.filter(programme=self.programme, entity=entity)
            awarded = total(vouchers, "face_value") - total(vouchers, "released")
            usage = CapUsage.objects.filter(programme=self.programme, entity=entity).first()
            assert (usage.used if usage else ZERO) == awarded
            assert awarded <= CAP

    @invariant()
    def one_commit_per_voucher(self):
        commits = LedgerEntry.objects.filter(
            programme=self.programme, kind=LedgerEntry.Kind.COMMIT
        ).count()
        vouchers = Voucher.objects.filter(programme=self.programme).count()
        approved = self._applications(Status.APPROVED).count()
        assert commits == vouchers == approved


def test_money_invariants_hold_for_any_sequence_of_operations(db):
    run_state_machine_as_test(
        VoucherLedgerMachine,
        settings=hypothesis.settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
