"""The portal end to end through its pages: sign up, register, declare, check, apply,
submit; then the reviewer's return reaches the inbox, and the answer is resubmitted."""

import re

import pytest
from django.core import mail
from django.test import TestCase

from accounts.models import Entity, Membership
from authority.services.verification import verify_entity
from company.models import CompanyAccount, Notification
from company.tasks import scan_notifications_task
from tests import builders
from tests.company.conftest import upload
from vouchers.models import Application
from vouchers.services.applications import return_application

pytestmark = pytest.mark.django_db

CONTRACT = {
    "number": "HT-2024-001",
    "signed_on": "2024-03-01",
    "service_start": "2024-03-01",
    "service_end": "2024-12-31",
    "value": "200000.00",
    "accelerator_origin": "domestic",
    "accelerator_hours": "1000",
    "purpose": "model_training",
}


def sign_up_and_register(client, code):
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = client.post(
            "/company/sign-up/",
            {
                "email": "Wang@Tianfu.example",
                "display_name": "王经理",
                "password": "a-long-enough-passphrase",
                "password_again": "a-long-enough-passphrase",
            },
        )
    assert page.status_code == 302 and page.url == "/company/sign-up/"
    # The link in the e-mail creates the account; then the user logs in.
    link = re.search(r"/company/sign-up/confirm/\S+", mail.outbox[-1].body).group(0)
    page = client.get(link)
    assert page.url == "/accounts/login/?next=/company/register/"
    credentials = {"username": "wang@tianfu.example", "password": "a-long-enough-passphrase"}
    page = client.post(page.url, credentials)
    assert page.status_code == 302 and page.url == "/company/register/"
    page = client.post(
        "/company/register/",
        {
            "name": "成都天府模型科技有限公司",
            "credit_code": code,
            "kind": "enterprise",
            "region_code": "510100",
            "legal_representative": "王五",
            "business_licence": upload("licence.pdf"),
        },
    )
    assert page.status_code == 302, page.content.decode()
    return Entity.objects.get(credit_code=code)


def declare(client):
    page = client.post(
        "/company/declarations/new/",
        {
            "declared_on": "2024-05-01",
            "fiscal_year": "2023",
            "registered_region": "510100",
            "industry": "65",
            "employees": "80",
            "prior_year_revenue": "30000000.00",
            "evidence": upload(),
        },
    )
    assert page.status_code == 302, page.content.decode()


def test_a_company_signs_up_registers_declares_applies_and_submits(
    client, programme, centre, carol
):
    entity = sign_up_and_register(client, builders.credit_code())
    membership = Membership.objects.get(entity=entity)
    assert membership.role == Membership.Role.ENTITY_STAFF
    assert CompanyAccount.objects.get(entity=entity).admin == membership.user
    declare(client)

    trace = client.get(f"/company/programmes/{programme.pk}/?provider={centre.pk}&value=200000")
    assert "可获补贴 100,000.00 元" in trace.content.decode()

    page = client.post(
        f"/company/programmes/{programme.pk}/apply/", {**CONTRACT, "provider": centre.pk}
    )
    application = Application.objects.get(entity=entity)
    assert page.url == f"/company/applications/{application.pk}/"
    assert application.status == "draft"

    # Self-registered: the draft waits for an officer to check the business licence.
    assert entity.verification == Entity.Verification.PROVISIONAL
    assert entity.business_licence.name.endswith(".pdf")
    draft = client.get(f"/company/applications/{application.pk}/").content.decode()
    assert 'data-testid="unverified"' in draft
    refused = client.post(f"/company/applications/{application.pk}/submit/", follow=True)
    assert "主体尚待核验" in refused.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"
    verify_entity(entity=entity, by=carol)

    assert client.get(f"/company/applications/{application.pk}/submit/").status_code == 200
    client.post(f"/company/applications/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_returned_application_is_answered_and_resubmitted(
    as_clerk, draft, clerk, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_clerk.post(f"/company/applications/{draft.pk}/submit/")
    return_application(application=draft, by=bob, note="请补充合同扫描件")
    with django_capture_on_commit_callbacks(execute=True):
        scan_notifications_task.delay()
    inbox = as_clerk.get("/company/inbox/").content.decode()
    assert f"申请 #{draft.pk} 状态变更：退回补正" in inbox
    assert any("请补充合同扫描件" in m.body for m in mail.outbox)

    edited = {**CONTRACT, "provider": draft.contract.provider_id, "value": "300000.00"}
    page = as_clerk.post(f"/company/applications/{draft.pk}/edit/", edited)
    assert page.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        as_clerk.post(f"/company/applications/{draft.pk}/submit/")
    draft.refresh_from_db()
    assert (draft.status, draft.entitlement, draft.contract.value) == (
        "submitted",
        150000,
        300000,
    )
    subjects = Notification.objects.filter(user=clerk).order_by("pk")
    assert [n.subject_en for n in subjects] == [
        f"Application #{draft.pk} is now submitted",
        f"Application #{draft.pk} is now returned",
        f"Application #{draft.pk} is now submitted",
    ]


def test_a_visitor_finds_the_sign_up_from_the_home_page(client):
    assert 'href="/company/sign-up/"' in client.get("/").content.decode()


def test_a_newcomer_is_pointed_to_registering_their_entity(client, db):
    client.force_login(builders.UserFactory(username="newcomer"))
    assert 'href="/company/register/"' in client.get("/").content.decode()
