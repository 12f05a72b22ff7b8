"""The back office: olivia, the platform operator (a superuser), works through the
Django admin; every change of money or status she makes goes through a service."""

import json
from datetime import date
from unittest import mock

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.models import Entity, EntityDeclaration, Membership, Provider, User
from audit.models import AuditEvent
from tests import builders
from vouchers.models import (
    Application,
    CapUsage,
    Contract,
    LedgerAccount,
    LedgerEntry,
    Programme,
    RuleSet,
    Voucher,
)
from vouchers.services.applications import (
    approve_application,
    create_application,
    submit_application,
)

BACK_OFFICE_APPS = ("accounts", "audit", "vouchers")
Role = Membership.Role


@pytest.fixture
def olivia(db):
    return User.objects.create_superuser("olivia", "olivia@example.com", "pass")


@pytest.fixture
def client(client, olivia):
    client.force_login(olivia)
    return client


@pytest.fixture
def olivia_reviews(olivia, chengdu):
    """Being a superuser lets olivia administer, not decide: the review and revoke
    actions need her to be one of Chengdu's reviewers too."""
    Membership.objects.create(user=olivia, role=Role.REVIEWER, authority=chengdu)
    return olivia


@pytest.fixture
def voucher(application, bob):
    """bob approves 星河's application: a voucher, ledger entries and audit events exist."""
    return approve_application(application=application, by=bob).voucher


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def run_action(client, model, action, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], "index": 0, **extra}
    return client.post(url(model, "changelist"), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def back_office_models():
    return [m for label in BACK_OFFICE_APPS for m in apps.get_app_config(label).get_models()]


# --- every page renders ---------------------------------------------------------------


def test_every_model_of_accounts_and_vouchers_is_registered():
    missing = [m.__name__ for m in back_office_models() if not admin.site.is_registered(m)]
    assert missing == []


@pytest.fixture
def first_approval(programme, centre, carol):
    """carol's first approval of another company's application, awaiting a second reviewer."""
    from vouchers.services.second_review import propose

    other = builders.entity(name="成都蜀光医疗影像科技有限公司")
    waiting = builders.submitted_application(programme=programme, entity=other, provider=centre)
    return propose(application=waiting, by=carol)


@pytest.fixture
def trust_rows(voucher, carol):
    """A dishonesty list version and an objection, so their pages have a row to open."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vouchers.models import Objection
    from vouchers.services.dishonesty import import_dishonesty_list

    listed = (
        f"credit_code,listed_from,listed_until\n{voucher.entity.credit_code},2024-01-01,2024-12-31"
    )
    import_dishonesty_list(upload=SimpleUploadedFile("list.csv", listed.encode()), by=carol)
    Objection.objects.create(voucher=voucher, name="王五", contact="13800000000", text="关联方")


def test_every_changelist_and_change_page_renders(client, voucher, first_approval, trust_rows):
    for model in back_office_models():
        assert client.get(url(model, "changelist")).status_code == 200, model.__name__
        row = model._default_manager.order_by("pk").first()
        assert row is not None, f"no {model.__name__} row to open"
        assert client.get(url(model, "change", row.pk)).status_code == 200, model.__name__


def test_every_add_page_that_is_offered_renders(client, rf, olivia):
    request = rf.get("/")
    request.user = olivia
    for model in back_office_models():
        expected = 200 if admin.site._registry[model].has_add_permission(request) else 403
        assert client.get(url(model, "add")).status_code == expected, model.__name__


def test_every_changelist_search_runs(client, voucher):
    for model in back_office_models():
        response = client.get(url(model, "changelist"), {"q": voucher.code})
        assert response.status_code == 200, model.__name__


def test_the_application_page_shows_the_evaluation_trace_rule_by_rule(client, application):
    page = client.get(url(Application, "change", application.pk)).content.decode()
    assert "designated_provider" in page
    assert "revenue_floor" in page
    assert "通过 / pass" in page
    assert application.evaluation["results"][0]["reason_en"] in page


def test_the_api_schema_is_served(client):
    assert client.get("/api/schema/").status_code == 200


# --- what may never be edited ---------------------------------------------------------


@pytest.mark.parametrize("model", [LedgerEntry, AuditEvent])
def test_ledger_entries_and_audit_events_cannot_be_added_changed_or_deleted(client, voucher, model):
    row = model.objects.order_by("pk").first()
    count = model.objects.count()
    assert client.get(url(model, "add")).status_code == 403
    assert client.post(url(model, "add"), {}).status_code == 403
    assert client.post(url(model, "change", row.pk), {}).status_code == 403
    assert client.post(url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert b"delete_selected" not in client.get(url(model, "changelist")).content
    assert model.objects.count() == count


@pytest.mark.parametrize(
    "model", [LedgerAccount, CapUsage, Voucher, RuleSet, Application, LedgerEntry, AuditEvent]
)
def test_rows_made_by_services_cannot_be_added_or_deleted_in_the_admin(rf, olivia, model):
    request = rf.get("/")
    request.user = olivia
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.parametrize("model", [LedgerEntry, AuditEvent])
def test_ledger_entries_and_audit_events_have_no_write_permission(rf, olivia, model):
    request = rf.get("/")
    request.user = olivia
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_a_voucher_page_shows_its_money_read_only(client, voucher):
    page = client.get(url(Voucher, "change", voucher.pk)).content.decode()
    assert 'name="face_value"' not in page
    assert 'name="status"' not in page
    assert client.post(url(Voucher, "change", voucher.pk), {"status": "revoked"}).status_code == 403
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ACTIVE


# --- review actions -------------------------------------------------------------------


def test_the_approve_action_issues_a_voucher_at_the_full_entitlement(
    client, olivia_reviews, application
):
    response = run_action(client, Application, "approve", [application])
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert Voucher.objects.get(application=application).face_value == application.entitlement
    assert any("approved" in m for m in messages_of(response))


def test_the_approve_action_refuses_ones_own_application_with_a_message(
    client, olivia_reviews, olivia, programme, company, centre
):
    signed = builders.contract(entity=company, provider=centre)
    draft = create_application(entity=company, contract=signed, programme=programme, by=olivia)
    own = submit_application(application=draft, by=olivia)
    response = run_action(client, Application, "approve", [own])
    assert response.status_code == 200
    assert any("nobody approves their own application" in m for m in messages_of(response))
    own.refresh_from_db()
    assert own.status == Application.Status.SUBMITTED
    assert not Voucher.objects.filter(application=own).exists()


def test_the_approve_action_reports_a_wrong_state_and_goes_on_with_the_rest(
    client, olivia_reviews, application, voucher, programme, company, centre
):
    fresh = builders.submitted_application(programme=programme, entity=company, provider=centre)
    response = run_action(client, Application, "approve", [application, fresh])
    assert any("not allowed while the application is approved" in m for m in messages_of(response))
    assert Voucher.objects.filter(application=fresh).exists()


def test_the_return_action_returns_with_a_note(client, olivia_reviews, application):
    run_action(client, Application, "return_for_information", [application])
    application.refresh_from_db()
    assert application.status == Application.Status.RETURNED
    assert application.review_note == "请补充材料 / please add information"


def test_the_reject_action_asks_for_a_reason_first(client, application):
    page = run_action(client, Application, "reject", [application])
    assert page.status_code == 200
    assert b'name="note"' in page.content
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_the_reject_action_rejects_with_the_reason_given(client, olivia_reviews, application):
    run_action(client, Application, "reject", [application])  # the reason page
    data = {
        "action": "reject",
        ACTION_CHECKBOX_NAME: [application.pk],
        "confirm": "yes",
        "note": "合同非算力服务 / not a compute contract",
    }
    response = client.post(url(Application, "changelist"), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.review_note == "合同非算力服务 / not a compute contract"


def test_the_reject_action_refuses_a_blank_reason(client, application):
    data = {
        "action": "reject",
        ACTION_CHECKBOX_NAME: [application.pk],
        "confirm": "yes",
        "note": "  ",
    }
    response = client.post(url(Application, "changelist"), data)
    assert response.status_code == 200
    assert b"errorlist" in response.content
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


# --- voucher actions ------------------------------------------------------------------


def test_the_revoke_action_revokes_with_the_reason_and_releases_the_value(
    client, olivia_reviews, voucher
):
    data = {
        "action": "revoke",
        ACTION_CHECKBOX_NAME: [voucher.pk],
        "confirm": "yes",
        "note": "虚假合同 / false contract",
    }
    assert client.post(url(Voucher, "changelist"), data).status_code == 302
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.REVOKED
    assert voucher.released == voucher.face_value
    event = AuditEvent.objects.filter(action="voucher.revoke").get()
    assert event.after["reason"] == "虚假合同 / false contract"


def test_run_expiry_now_needs_no_selection_and_expires_what_is_due(client, voucher):
    with mock.patch("django.utils.timezone.localdate", return_value=date(2025, 6, 1)):
        response = client.post(
            url(Voucher, "changelist"), {"action": "run_expiry_now", "index": 0}, follow=True
        )
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.EXPIRED
    assert any("expired 1" in m for m in messages_of(response))


def test_run_expiry_now_changes_nothing_before_the_expiry_date(client, voucher):
    client.post(url(Voucher, "changelist"), {"action": "run_expiry_now", "index": 0})
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ACTIVE


def test_a_voucher_is_found_by_its_code_as_displayed(client, voucher):
    from vouchers.services.codes import display

    response = client.get(url(Voucher, "changelist"), {"q": display(voucher.code)})
    assert response.context["cl"].result_count == 1


def test_a_mistyped_voucher_code_is_called_a_typo(client, voucher):
    wrong = "0" if voucher.code[0] != "0" else "1"
    response = client.get(url(Voucher, "changelist"), {"q": wrong + voucher.code[1:]})
    assert response.context["cl"].result_count == 0
    assert "校验位" in str(list(response.context["messages"])[0])


# --- programmes -----------------------------------------------------------------------


def programme_form(chengdu, centre, *, rules, code="cd-2025"):
    return {
        "authority": chengdu.pk,
        "code": code,
        "name_zh": "成都市算力券 2025",
        "name_en": "Chengdu 2025",
        "region_code": "510100",
        "region_name": "成都市",
        "year": 2025,
        "total_budget": "5000000.00",
        "applications_open": "2025-01-01",
        "applications_close": "2025-12-31",
        "voucher_validity_months": 12,
        "public_notice_days": 0,
        "min_award": "10000.00",
        "annual_cap": "1000000.00",
        "claim_share_cap": "",
        "settlement_mode": "provider_deducts",
        "settlement_period": "monthly",
        "voucher_kinds": ["cash_compute"],
        "providers": [centre.pk],
        "rules": rules if isinstance(rules, str) else json.dumps(rules),
        "funding_sources-TOTAL_FORMS": 0,
        "funding_sources-INITIAL_FORMS": 0,
        "rulesets-TOTAL_FORMS": 0,
        "rulesets-INITIAL_FORMS": 0,
    }


def test_the_programme_form_creates_a_draft_with_its_first_rule_version(client, chengdu, centre):
    response = client.post(
        url(Programme, "add"), programme_form(chengdu, centre, rules=builders.CHENGDU_RULES)
    )
    assert response.status_code == 302
    created = Programme.objects.get(code="cd-2025")
    assert created.status == Programme.Status.DRAFT
    assert created.current_ruleset().version == 1
    assert list(created.providers.all()) == [centre]
    assert AuditEvent.objects.filter(action="programme.create", object_id=str(created.pk)).exists()


@pytest.mark.parametrize(
    "rules, error",
    [
        (
            {"rules": [{"kind": "no_such_rule"}], "rate_tiers": [{"rate": "0.5", "when": {}}]},
            "rules[0].kind",
        ),
        ({"rules": [], "rate_tiers": [{"rate": 0.5, "when": {}}]}, "rate_tiers[0].rate"),
        ({"rules": []}, "rate_tiers"),
        ("{not json", "JSON"),
    ],
)
def test_a_bad_rule_set_shows_form_errors_and_creates_nothing(
    client, chengdu, centre, rules, error
):
    response = client.post(url(Programme, "add"), programme_form(chengdu, centre, rules=rules))
    assert response.status_code == 200
    assert error in str(response.context["adminform"].form.errors["rules"])
    assert not Programme.objects.filter(code="cd-2025").exists()
    assert not RuleSet.objects.filter(programme__code="cd-2025").exists()


def test_the_publish_action_funds_the_programme(client, chengdu, alice, centre):
    draft = builders.programme(authority=chengdu, manager=alice, providers=[centre], publish=False)
    run_action(client, Programme, "publish", [draft])
    draft.refresh_from_db()
    assert draft.status == Programme.Status.PUBLISHED
    assert LedgerEntry.objects.filter(programme=draft, kind=LedgerEntry.Kind.FUND).exists()


def test_publishing_twice_shows_the_refusal(client, programme):
    response = run_action(client, Programme, "publish", [programme])
    assert any("already published" in m for m in messages_of(response))


def test_a_new_rule_version_is_added_from_the_change_form(client, programme):
    page = client.get(url(Programme, "change", programme.pk))
    data = {
        **page.context["adminform"].form.initial,
        "new_rules": json.dumps(builders.CHENGDU_RULES),
        "new_rules_note": "v2",
        "funding_sources-TOTAL_FORMS": 0,
        "funding_sources-INITIAL_FORMS": 1,
        "rulesets-TOTAL_FORMS": 0,
        "rulesets-INITIAL_FORMS": 1,
    }
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(url(Programme, "change", programme.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert programme.current_ruleset().version == 2


def test_a_published_programmes_budget_is_read_only(client, programme):
    page = client.get(url(Programme, "change", programme.pk)).content.decode()
    assert 'name="total_budget"' not in page
    assert 'name="name_zh"' in page


# --- entities -------------------------------------------------------------------------


def entity_form(credit_code):
    return {
        "name": "成都新星科技有限公司",
        "credit_code": credit_code,
        "legal_representative": "王五",
        "shareholders": "[]",
        "kind": "enterprise",
        "related_parties": "[]",
        "declarations-TOTAL_FORMS": 0,
        "declarations-INITIAL_FORMS": 0,
    }


def test_an_entity_with_a_wrong_credit_code_is_refused_on_the_form(client):
    good = builders.credit_code()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(url(Entity, "add"), entity_form(wrong))
    assert response.status_code == 200
    assert "credit_code" in response.context["adminform"].form.errors
    assert not Entity.objects.exists()


def test_an_entity_is_registered_through_the_service(client):
    response = client.post(url(Entity, "add"), entity_form(builders.credit_code()))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="entity.register").count() == 1


def test_a_declaration_is_added_through_the_service(client, company):
    data = {
        "entity": company.pk,
        "declared_on": "2024-05-01",
        "fiscal_year": 2023,
        "registered_region": "510100",
        "industry": "65",
        "employees": 80,
        "prior_year_revenue": "15000000.00",
    }
    response = client.post(url(EntityDeclaration, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (
        AuditEvent.objects.filter(action="entity.declare").count() == 2
    )  # the builder's and this one


def test_a_declaration_cannot_be_edited(client, company):
    declaration = company.current_declaration()
    response = client.post(url(EntityDeclaration, "change", declaration.pk), {"employees": 1})
    assert response.status_code == 403


def test_a_contract_is_registered_through_the_service(client, company, centre):
    data = {
        "entity": company.pk,
        "provider": centre.pk,
        "number": "HT-ADMIN-1",
        "signed_on": "2024-03-01",
        "service_start": "2024-03-01",
        "service_end": "2024-12-31",
        "value": "200000.00",
        "accelerator_origin": "domestic",
        "accelerator_hours": "500",
        "service_category": "compute_service",
        "purpose": "model_training",
        "project_class": "normal",
    }
    response = client.post(url(Contract, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AuditEvent.objects.filter(
        action="contract.register", after__number="HT-ADMIN-1"
    ).exists()


def test_a_contract_with_its_period_backwards_is_refused_on_the_form(client, company, centre):
    data = {
        "entity": company.pk,
        "provider": centre.pk,
        "number": "HT-ADMIN-2",
        "signed_on": "2024-03-01",
        "service_start": "2024-12-31",
        "service_end": "2024-03-01",
        "value": "200000.00",
        "accelerator_origin": "domestic",
        "accelerator_hours": "500",
        "service_category": "compute_service",
        "purpose": "model_training",
        "project_class": "normal",
    }
    response = client.post(url(Contract, "add"), data)
    assert response.status_code == 200
    assert "service_end" in response.context["adminform"].form.errors
    assert not Contract.objects.filter(number="HT-ADMIN-2").exists()


def test_a_contract_applied_for_is_read_only(client, application):
    response = client.post(url(Contract, "change", application.contract_id), {"value": "1.00"})
    assert response.status_code == 403


def test_a_user_is_added_with_a_password(client):
    data = {
        "username": "frank",
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
        "usable_password": "true",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    response = client.post(url(User, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="frank").check_password("a-long-pass-phrase-9")


def test_a_reviewer_with_back_office_access_can_open_it(bob):
    from django.contrib.auth.models import Permission
    from django.test import Client

    bob.is_staff = True
    bob.save()
    bob.user_permissions.add(Permission.objects.get(codename="view_application"))
    reviewer = Client()
    reviewer.force_login(bob)
    assert reviewer.get(url(Application, "changelist")).status_code == 200


def test_an_entity_edit_is_audited(client, company):
    data = {
        **entity_form(company.credit_code),
        "name": "成都星河智能科技股份有限公司",
        "legal_representative": company.legal_representative,
        "declarations-INITIAL_FORMS": 1,
        "declarations-TOTAL_FORMS": 1,
        "declarations-0-id": company.current_declaration().pk,
        "declarations-0-entity": company.pk,
        # What the browser posts for fields with a callable default (default=list).
        "initial-shareholders": "[]",
        "initial-related_parties": "[]",
    }
    response = client.post(url(Entity, "change", company.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(action="entity.edit")
    assert event.before == {"name": "成都星河智能科技有限公司"}
    assert event.after == {"name": "成都星河智能科技股份有限公司"}


# --- no N+1 queries on long lists -----------------------------------------------------


@pytest.fixture
def ten_applications(programme, company, centre, bob):
    applications = [
        builders.submitted_application(programme=programme, entity=company, provider=centre)
        for _ in range(10)
    ]
    for application in applications:
        approve_application(application=application, by=bob)
    return applications


@pytest.mark.parametrize("model", [Application, Voucher])
def test_long_lists_take_a_fixed_number_of_queries(
    client, ten_applications, django_assert_max_num_queries, model
):
    with django_assert_max_num_queries(10):
        response = client.get(url(model, "changelist"))
    assert response.status_code == 200


def test_a_providers_personal_data_is_write_only_and_audited_without_its_values(client, centre):
    change = url(Provider, "change", centre.pk)
    form = {
        "name": centre.name,
        "credit_code": centre.credit_code,
        "legal_representative": centre.legal_representative,
        "shareholders": "[]",
        "region_code": centre.region_code,
        "is_active": "on",
        "registered_address": "成都市高新区天府大道1号",
        "phone": "028-8888-1234",
        "shareholder_text": "",
    }
    response = client.post(change, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    centre.refresh_from_db()
    assert centre.phone == "028-8888-1234" and centre.phone_digest
    edit = AuditEvent.objects.filter(action="provider.edit").latest("pk")
    assert edit.after["phone"] == "(changed)"
    assert "8888" not in str(edit.before) + str(edit.after)
    assert "028-8888-1234" not in client.get(change).content.decode()

    client.post(change, {**form, "phone": "", "registered_address": "成都市武侯区"})
    centre.refresh_from_db()
    assert centre.phone == "028-8888-1234"
