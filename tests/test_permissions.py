"""Every service refuses someone who does not act for the organisation concerned, and
changes nothing when it does: a manager of another authority, staff of another entity,
an engineer of another provider."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Membership
from accounts.permissions import MONEY_ACTIONS
from accounts.services import declare_profile
from audit.models import AuditEvent
from payments.models import PaymentBatch
from tests import builders
from tests.builders import CHENGDU_RULES
from vouchers.models import Application, Contract, Programme, Voucher
from vouchers.services.applications import (
    approve_application,
    create_application,
    submit_application,
    withdraw_application,
)
from vouchers.services.closing import revoke_voucher
from vouchers.services.contracts import register_contract
from vouchers.services.programmes import create_programme, publish_programme, revise_rules
from vouchers.services.redemption import redeem

Role = Membership.Role


@pytest.fixture
def rival(db):
    """Staff of another entity."""
    return builders.entity(name="成都另一家科技有限公司").clerk


@pytest.fixture
def hangzhou_manager(hangzhou):
    return builders.member("henry", Role.PROGRAMME_MANAGER, authority=hangzhou)


def refused_without_a_trace(call):
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        call()
    assert AuditEvent.objects.count() == events


def test_only_the_authoritys_manager_creates_publishes_and_revises(
    chengdu, alice, centre, hangzhou_manager, bob
):
    draft = builders.programme(authority=chengdu, manager=alice, providers=[centre], publish=False)
    fields = {"authority": chengdu, "code": "other", "name_zh": "x", "name_en": "x"}
    for outsider in (hangzhou_manager, bob):  # another authority's manager; a reviewer
        refused_without_a_trace(
            lambda u=outsider: create_programme(by=u, fields=fields, rules=CHENGDU_RULES)
        )
        refused_without_a_trace(lambda u=outsider: publish_programme(programme=draft, by=u))
        refused_without_a_trace(
            lambda u=outsider: revise_rules(programme=draft, by=u, rules=CHENGDU_RULES)
        )
    assert Programme.objects.get(pk=draft.pk).status == Programme.Status.DRAFT


def test_only_the_entitys_staff_declare_sign_and_apply(programme, company, centre, rival):
    refused_without_a_trace(
        lambda: declare_profile(
            entity=company,
            by=rival,
            declared_on=date(2024, 6, 1),
            fiscal_year=2023,
            registered_region="510100",
            industry="82",
            employees=1,
            prior_year_revenue=Decimal("1.00"),
        )
    )
    refused_without_a_trace(
        lambda: register_contract(
            entity=company,
            provider=centre,
            by=rival,
            number="X-1",
            signed_on=date(2024, 3, 1),
            service_start=date(2024, 3, 1),
            service_end=date(2024, 9, 1),
            value=Decimal("100000.00"),
            accelerator_origin="domestic",
        )
    )
    signed = builders.contract(entity=company, provider=centre)
    refused_without_a_trace(
        lambda: create_application(entity=company, contract=signed, programme=programme, by=rival)
    )
    assert not Contract.objects.filter(number="X-1").exists()
    assert not Application.objects.exists()


def test_only_the_entitys_staff_submit_and_withdraw(programme, company, centre, rival):
    signed = builders.contract(entity=company, provider=centre)
    draft = create_application(
        entity=company, contract=signed, programme=programme, by=company.clerk
    )
    refused_without_a_trace(lambda: submit_application(application=draft, by=rival))
    refused_without_a_trace(lambda: withdraw_application(application=draft, by=rival))
    assert Application.objects.get(pk=draft.pk).status == Application.Status.DRAFT


def test_only_the_vouchers_provider_redeems_it(application, bob, centre_engineer):
    approve_application(application=application, by=bob)
    voucher = Voucher.objects.get(application=application)
    other = builders.provider(name="另一家算力中心")
    stranger = builders.member("sam", Role.PROVIDER_STAFF, provider=other)

    for outsider in (stranger, bob):  # another provider's engineer; a reviewer
        refused_without_a_trace(
            lambda u=outsider: redeem(voucher=voucher, billed_amount="100.00", by=u)
        )
    assert Voucher.objects.get(pk=voucher.pk).redeemed == Decimal("0.00")
    assert redeem(voucher=voucher, billed_amount="100.00", by=centre_engineer) == Decimal("50.00")


def test_a_superuser_approves_nothing_without_a_reviewers_membership(application):
    olivia = builders.UserFactory(username="olivia", is_superuser=True, is_staff=True)

    refused_without_a_trace(lambda: approve_application(application=application, by=olivia))
    assert Application.objects.get(pk=application.pk).status == Application.Status.SUBMITTED


def test_a_superuser_redeems_nothing_without_a_providers_membership(application, bob):
    voucher = approve_application(application=application, by=bob).voucher
    olivia = builders.UserFactory(username="olivia", is_superuser=True, is_staff=True)

    refused_without_a_trace(lambda: redeem(voucher=voucher, billed_amount="100.00", by=olivia))
    refused_without_a_trace(lambda: revoke_voucher(voucher=voucher, by=olivia, reason="测试"))
    assert Voucher.objects.get(pk=voucher.pk).redeemed == Decimal("0.00")


# Every decision on money or on who may act for a tenant (MONEY_ACTIONS), as the service
# makes it: each case builds what is decided on from the shared personas and returns the
# decision (a call taking `by`) and the member who may make it.


def _voucher(w):
    return approve_application(application=w.application, by=w.bob).voucher


def _reconciled(w, record):
    from billing.reconcile import reconcile
    from tests.billing.conftest import send

    _voucher(w)
    send(w.centre, [record])
    reconcile()


def review_application(w):
    return lambda by: approve_application(application=w.application, by=by), w.bob


def revoke(w):
    voucher = _voucher(w)
    return lambda by: revoke_voucher(voucher=voucher, by=by, reason="测试"), w.bob


def redeem_voucher(w):
    voucher = _voucher(w)
    return lambda by: redeem(voucher=voucher, billed_amount="100.00", by=by), w.centre_engineer


def answer(w):
    from vouchers.services.contracts import answer_contract

    contract = w.application.contract
    return lambda by: answer_contract(contract=contract, confirmed=True, by=by), w.centre_engineer


def _settlement(w):
    from billing.models import Settlement
    from billing.settlements import build_settlements
    from tests.billing.conftest import usage

    _reconciled(w, usage(contract=w.application.contract.number))
    build_settlements(period="2024-06")
    return Settlement.objects.get()


def approve_statement(w):
    from billing.settlements import approve_settlement

    settlement = _settlement(w)
    return lambda by: approve_settlement(settlement=settlement, by=by), w.bob


def pay_statement(w):
    """A statement is paid only by a batch's payment: the batch approved by frank."""
    from billing.settlements import approve_settlement, pay_settlement
    from payments.services.batches import approve_batch, prepare_batch

    settlement = approve_settlement(settlement=_settlement(w), by=w.bob)
    _centre_bank_details(w)
    fiona, frank = _finance(w)
    batch = approve_batch(batch=prepare_batch(authority=w.chengdu, by=fiona), by=frank)
    return lambda by: pay_settlement(settlement=settlement, by=by, batch=batch), fiona


def _paid_statement(w):
    """The statement pay_statement builds, paid through its batch; fiona returned."""
    from payments.services.batches import pay_batch

    pay_statement(w)
    fiona, frank = _finance(w)
    batch = PaymentBatch.objects.get()
    paid = {line.pk: ("B-1", date(2024, 6, 1)) for line in batch.lines.all()}
    pay_batch(batch=batch, references=paid, by=frank)
    return fiona


def resolve(w):
    from billing.models import ReconciliationException
    from billing.services.exceptions import resolve_exception
    from tests.billing.conftest import usage

    _reconciled(w, usage(contract="HT-NONE"))
    case = ReconciliationException.objects.get()
    return lambda by: resolve_exception(exception=case, decision="rejected", by=by), w.bob


def issue_key(w):
    from api.services.keys import create_key

    return lambda by: create_key(provider=w.centre, by=by), w.centre_engineer


def invite(w):
    from company.models import CompanyAccount
    from company.services.invitations import invite_colleague

    admin = w.company.clerk
    CompanyAccount.objects.create(entity=w.company, admin=admin, region_code="510100")
    return lambda by: invite_colleague(entity=w.company, by=by, email="new@xinghe.example"), admin


def review_claim(w):
    from company.services.claim_review import approve_claim
    from company.services.claims import file_claim
    from tests.company.conftest import PDF, upload

    programme = builders.programme(
        authority=w.chengdu, manager=builders.member("amy", Role.PROGRAMME_MANAGER,
        authority=w.chengdu), providers=[w.centre],
        code="reimburse-2024", settlement_mode="reimburse",
    )  # fmt: skip
    application = builders.submitted_application(
        programme=programme, entity=w.company, provider=w.centre
    )
    voucher = approve_application(application=application, by=w.bob).voucher
    claim = file_claim(
        entity=w.company, voucher=voucher, by=w.company.clerk, invoice_number="FP-1",
        invoice_date=date(2024, 5, 31), invoice_amount=Decimal("1000.00"),
        amount=Decimal("100.00"), service_start=date(2024, 5, 1), service_end=date(2024, 5, 31),
        invoice_file=upload("invoice.pdf", PDF), delivery_proof=upload("proof.pdf", PDF),
    )  # fmt: skip
    return lambda by: approve_claim(claim=claim, amount="100.00", by=by), w.bob


def _paid_finding(w):
    """A finding of 20 yuan on the statement pay_statement builds, paid."""
    from billing.models import UsageRecord
    from recovery.services import record_finding
    from tests.recovery.conftest import evidence

    fiona = _paid_statement(w)
    record = UsageRecord.objects.get()
    found = record_finding(
        record=record, amount="20.00", reason="审计", evidence=evidence(), by=w.bob
    )
    return found.receivable, fiona


def record_finding(w):
    from billing.models import UsageRecord
    from recovery.services import record_finding as find
    from tests.recovery.conftest import evidence

    _paid_statement(w)
    record = UsageRecord.objects.get()
    return lambda by: find(
        record=record, amount="1.00", reason="审计", evidence=evidence(), by=by
    ), w.bob


def record_repayment(w):
    from recovery.services import record_repayment as repay

    receivable, fiona = _paid_finding(w)
    return lambda by: repay(
        receivable=receivable,
        amount="1.00",
        bank_reference="B-1",
        repaid_on=date(2024, 6, 1),
        by=by,
    ), fiona


def write_off(w):
    from recovery.services import request_write_off

    receivable, fiona = _paid_finding(w)
    return lambda by: request_write_off(
        receivable=receivable, amount="1.00", reason="x", by=by
    ), fiona


def _approved_statement(w):
    """An approved statement of the centre (the payee's bank details given)."""
    from billing.models import Settlement
    from billing.settlements import approve_settlement

    redeem(voucher=_voucher(w), billed_amount="100.00", by=w.centre_engineer)
    _centre_bank_details(w)
    june = Settlement.objects.create(
        provider=w.centre, programme=w.application.programme, period="2024-06",
        total_subsidy=Decimal("50.00"),
    )  # fmt: skip
    approve_settlement(settlement=june, by=w.bob)


def _centre_bank_details(w):
    from payments.services.bank_details import change_bank_details

    change_bank_details(
        payee=w.centre, account_name="成都智算中心", bank_name="建设银行",
        account_number="44001234567890", by=w.centre_engineer,
    )  # fmt: skip


def _finance(w):
    return (
        builders.member("fiona", Role.FINANCE_OFFICER, authority=w.chengdu),
        builders.member("frank", Role.FINANCE_OFFICER, authority=w.chengdu),
    )


def prepare_batch(w):
    from payments.services.batches import prepare_batch

    _approved_statement(w)
    fiona, _ = _finance(w)
    return lambda by: prepare_batch(authority=w.chengdu, by=by), fiona


def approve_batch(w):
    from payments.services.batches import approve_batch, prepare_batch

    _approved_statement(w)
    fiona, frank = _finance(w)
    batch = prepare_batch(authority=w.chengdu, by=fiona)
    return lambda by: approve_batch(batch=batch, by=by), frank


def pay_batch(w):
    from payments.services.batches import approve_batch, pay_batch, prepare_batch

    _approved_statement(w)
    fiona, frank = _finance(w)
    batch = approve_batch(batch=prepare_batch(authority=w.chengdu, by=fiona), by=frank)
    paid = {line.pk: ("B-1", date(2024, 6, 1)) for line in batch.lines.all()}
    return lambda by: pay_batch(batch=batch, references=paid, by=by), fiona


def change_bank_details(w):
    from company.models import CompanyAccount
    from payments.services.bank_details import change_bank_details

    admin = w.company.clerk
    CompanyAccount.objects.create(entity=w.company, admin=admin, region_code="510100")
    return lambda by: change_bank_details(
        payee=w.company, account_name="星河", bank_name="工商银行",
        account_number="6222021001001234", by=by,
    ), admin  # fmt: skip


DECISIONS = {
    "vouchers.review_application": review_application,
    "vouchers.revoke_voucher": revoke,
    "vouchers.redeem_voucher": redeem_voucher,
    "vouchers.answer_contract": answer,
    "billing.approve_settlement": approve_statement,
    "billing.pay_settlement": pay_statement,
    "billing.resolve_exception": resolve,
    "api.manage_keys": issue_key,
    "company.invite_colleague": invite,
    "company.review_claim": review_claim,
    "recovery.record_finding": record_finding,
    "recovery.record_repayment": record_repayment,
    "recovery.write_off": write_off,
    "payments.prepare_batch": prepare_batch,
    "payments.approve_batch": approve_batch,
    "payments.pay_batch": pay_batch,
    "payments.change_bank_details": change_bank_details,
}


def test_every_money_and_access_decision_is_walked_below():
    assert set(DECISIONS) == MONEY_ACTIONS


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Claims store their files: under the test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(application, bob, centre, centre_engineer, company, chengdu):
    from types import SimpleNamespace

    return SimpleNamespace(**locals())


@pytest.mark.parametrize("perm", sorted(DECISIONS))
def test_a_superuser_without_a_membership_is_refused_and_the_member_is_allowed(world, perm):
    decide, member = DECISIONS[perm](world)
    olivia = builders.UserFactory(username="olivia", is_superuser=True, is_staff=True)

    refused_without_a_trace(lambda: decide(olivia))
    events = AuditEvent.objects.count()
    decide(member)
    assert AuditEvent.objects.count() > events
