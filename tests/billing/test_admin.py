"""Billing in the back office: bob (a Chengdu reviewer, staff) decides exceptions through
admin actions that call the services; statements are only shown there (approved in the
authority portal, paid through a payment batch)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from billing.models import ReconciliationException, Settlement, UsageRecord
from billing.reconcile import reconcile
from billing.settlements import build_settlements
from tests.billing.conftest import send, usage

MODELS = ("usagerecord", "usagefile", "reconciliationexception", "settlement")


@pytest.fixture
def staff_bob(bob, client):
    """bob may open the billing pages (as a reviewers' group would grant); what he may
    decide is the services' rules."""
    bob.is_staff = True
    bob.save()
    views = Permission.objects.filter(
        content_type__app_label="billing", codename__startswith="view_"
    )
    bob.user_permissions.add(*views)
    client.force_login(bob)
    return client


@pytest.fixture
def reconciled(voucher, centre):
    send(centre, [usage(record_id="a"), usage(record_id="x", contract="HT-NONE")])
    reconcile()
    build_settlements(period="2024-06")


def changelist(model: str) -> str:
    return reverse(f"admin:billing_{model}_changelist")


def act(client, model, action, pks, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: pks, "index": 0, **extra}
    return client.post(changelist(model), data, follow=True)


def test_every_billing_page_renders(admin_client, reconciled):
    for model in MODELS:
        assert admin_client.get(changelist(model)).status_code == 200, model
    settlement = Settlement.objects.get()
    page = admin_client.get(reverse("admin:billing_settlement_change", args=[settlement.pk]))
    assert page.status_code == 200


def test_a_reviewer_rejects_an_exception_with_a_note(staff_bob, reconciled):
    case = ReconciliationException.objects.get()
    asked = act(staff_bob, "reconciliationexception", "reject", [case.pk])
    assert b'name="note"' in asked.content

    act(
        staff_bob,
        "reconciliationexception",
        "reject",
        [case.pk],
        note="不是我们的合同",
        confirm="yes",
    )

    case.refresh_from_db()
    assert (case.status, case.note) == ("rejected", "不是我们的合同")
    assert UsageRecord.objects.get(record_id="x").status == "rejected"


def test_a_refused_decision_is_a_message_not_an_error(staff_bob, reconciled):
    case = ReconciliationException.objects.get()

    page = act(staff_bob, "reconciliationexception", "accept", [case.pk], note="ok", confirm="yes")

    assert page.status_code == 200
    assert any("only be rejected" in str(m) for m in page.context["messages"])
    assert ReconciliationException.objects.get().status == "open"


@pytest.mark.parametrize("action", ["approve", "pay"])
def test_a_statement_is_neither_approved_nor_paid_from_the_back_office(
    admin_client, reconciled, action
):
    settlement = Settlement.objects.get()
    page = admin_client.get(changelist("settlement"))
    assert f'value="{action}"' not in page.content.decode()

    act(admin_client, "settlement", action, [settlement.pk])

    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.DRAFT
