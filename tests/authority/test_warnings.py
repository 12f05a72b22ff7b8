"""Warnings on the application page: related party (directly and through one
intermediate shareholder), double subsidy, revenue jump. Each is shown with its evidence
when the case has it and absent when it does not; ticked as seen (audited) before an
approval, which the service refuses while one is unseen."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import declare_profile
from audit.models import AuditEvent
from authority import warnings
from authority.services.decisions import approve
from config.errors import DomainError
from tests import builders
from vouchers.models import Application

TODAY = builders.TODAY
ID_NUMBER = "51010119900307123X"


def declare(entity, *, days_ago=45, revenue="20000000.00", **profile):
    return declare_profile(
        entity=entity,
        by=entity.clerk,
        declared_on=TODAY - timedelta(days=days_ago),
        fiscal_year=2023,
        registered_region="510100",
        industry="65",
        employees=100,
        prior_year_revenue=Decimal(revenue),
        **profile,
    )


def apply(programme, company, centre, **contract):
    return builders.submitted_application(
        programme=programme, entity=company, provider=centre, **contract
    )


def page(client, application):
    response = client.get(f"/authority/applications/{application.pk}/")
    assert response.status_code == 200
    return response


def kinds(application):
    return [w.kind for w in warnings.sync(application=application)]


@pytest.fixture
def entity_x(db):
    """An entity on the platform that can sit between the applicant and the provider."""
    return builders.entity(name="成都中间控股有限公司", declared_on=TODAY - timedelta(days=90))


# related party, directly


def test_a_shared_phone_is_a_related_party_warning_with_masked_evidence(
    as_bob_en, programme, company, centre
):
    centre.phone = "028 8888 1234"
    centre.save()
    declare(company, phone="028-8888-1234")
    application = apply(programme, company, centre)
    response = page(as_bob_en, application)
    assert b'data-testid="warning-related_party"' in response.content
    assert "same phone (0288***1234)" in response.content.decode()
    assert "02888881234" not in response.content.decode()


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        (
            {"registered_address": "成都市 高新区 天府大道 1 号"},
            {"registered_address": "成都市高新区天府大道1号"},
        ),
        ({"bank_account": "6222 0210 0112 3456"}, {"bank_account": "6222021001123456"}),
        ({"legal_representative": "陈算"}, {"legal_representative": "陈算"}),
    ],
)
def test_each_shared_detail_is_a_related_party_warning(programme, company, centre, mine, theirs):
    for name, value in theirs.items():
        setattr(centre, name, value)
    centre.save()
    declare(company, **mine)
    assert kinds(apply(programme, company, centre)) == ["related_party"]


def test_different_details_raise_no_warning(as_bob, programme, company, centre):
    centre.phone, centre.registered_address = "028-1111-2222", "成都市武侯区"
    centre.save()
    declare(company, phone="028-3333-4444", registered_address="成都市高新区")
    application = apply(programme, company, centre)
    response = page(as_bob, application)
    assert b'data-testid="warning-' not in response.content
    assert kinds(application) == []


# related party, through one intermediate shareholder


def test_a_shareholder_of_the_applicant_sharing_the_providers_legal_representative(
    as_bob_en, programme, company, centre, entity_x
):
    centre.legal_rep_id = ID_NUMBER
    centre.save()
    declare(entity_x, legal_rep_id=ID_NUMBER.lower())
    declare(company, shareholder_text=f"成都中间控股有限公司, {entity_x.credit_code}")
    application = apply(programme, company, centre)
    text = page(as_bob_en, application).content.decode()
    assert "the applicant&#x27;s shareholder 成都中间控股有限公司 and the provider" in text
    assert "same legal representative&#x27;s ID number (5101**********123X)" in text


def test_a_shareholder_of_the_provider_sharing_the_applicants_bank_account(
    programme, company, centre, entity_x
):
    declare(entity_x, bank_account="6222021001123456")
    centre.shareholder_text = f"成都中间控股有限公司, {entity_x.credit_code}"
    centre.save()
    declare(company, bank_account="6222-0210-0112-3456")
    assert kinds(apply(programme, company, centre)) == ["related_party"]


def test_an_unlinked_intermediate_raises_no_warning(programme, company, centre, entity_x):
    centre.legal_rep_id = ID_NUMBER
    centre.save()
    declare(entity_x, legal_rep_id="110101198001011234")
    declare(company, shareholder_text=f"成都中间控股有限公司, {entity_x.credit_code}")
    assert kinds(apply(programme, company, centre)) == []


def test_two_intermediates_are_one_too_many(programme, company, centre, entity_x):
    """The applicant's shareholder X and the provider's shareholder Y share a phone: two
    hops away, not a warning."""
    entity_y = builders.entity(name="成都另一控股有限公司", declared_on=TODAY - timedelta(days=90))
    declare(entity_x, phone="13800138000")
    declare(entity_y, phone="13800138000")
    centre.shareholder_text = f"乙, {entity_y.credit_code}"
    centre.save()
    declare(company, shareholder_text=f"甲, {entity_x.credit_code}")
    assert kinds(apply(programme, company, centre)) == []


def test_the_providers_credit_code_among_the_shareholders_is_refused_by_the_rule(
    programme, company, centre
):
    declare(company, shareholder_text=f"服务商, {centre.credit_code}")
    with pytest.raises(DomainError) as refused:
        apply(programme, company, centre)
    assert "is a declared shareholder of the applicant" in refused.value.en


# double subsidy


def test_the_same_provider_value_and_period_under_another_number_is_a_double_subsidy(
    as_bob_en, chengdu, alice, programme, company, centre
):
    first = apply(programme, company, centre, number="HT-001")
    other = builders.programme(authority=chengdu, manager=alice, providers=[centre])
    second = apply(other, company, centre, number="HT-001-B")
    text = page(as_bob_en, second).content.decode()
    assert 'data-testid="warning-double_subsidy"' in text
    assert f"the same contract (HT-001) is already in application #{first.pk}" in text


def test_another_contract_elsewhere_is_no_double_subsidy(
    chengdu, alice, programme, company, centre
):
    apply(programme, company, centre, number="HT-001")
    other = builders.programme(authority=chengdu, manager=alice, providers=[centre])
    assert kinds(apply(other, company, centre, number="HT-002", value="200000.00")) == []


# revenue jump


def test_revenue_more_than_doubled_is_a_warning(as_bob_en, programme, company, centre):
    declare(company, days_ago=50, revenue="10000000.00")
    declare(company, days_ago=40, revenue="25000000.00")
    text = page(as_bob_en, apply(programme, company, centre)).content.decode()
    assert "declared revenue rose from 10000000.00 to 25000000.00 yuan, up 150%" in text


def test_revenue_exactly_doubled_is_no_warning(programme, company, centre):
    declare(company, days_ago=50, revenue="10000000.00")
    declare(company, days_ago=40, revenue="20000000.00")
    assert kinds(apply(programme, company, centre)) == []


def test_the_threshold_is_the_programmes(programme, company, centre):
    programme.revenue_jump_percent = Decimal("200")
    programme.save(update_fields=["revenue_jump_percent"])
    declare(company, days_ago=50, revenue="10000000.00")
    declare(company, days_ago=40, revenue="25000000.00")
    assert kinds(apply(programme, company, centre)) == []


def test_a_declaration_within_30_days_before_applying_is_a_warning(programme, company, centre):
    declare(company, days_ago=30)
    application = apply(programme, company, centre)
    assert kinds(application) == ["revenue_jump"]
    assert "within 30 days" in application.warnings.get().evidence[0]["en"]


# seen before approval


@pytest.fixture
def warned(programme, company, centre):
    declare(company, days_ago=5)
    application = apply(programme, company, centre)
    warnings.sync(application=application)
    return application


def test_the_service_refuses_an_approval_naming_the_unseen_warning(warned, bob):
    with pytest.raises(DomainError) as refused:
        approve(application=warned, by=bob)
    assert refused.value.field == "warnings"
    assert "Revenue jump" in refused.value.en and "营业收入异常增长" in refused.value.zh
    warned.refresh_from_db()
    assert warned.status == "submitted"


def test_the_page_refuses_the_approval_until_the_warning_is_ticked(as_bob_en, warned):
    refused = as_bob_en.post(f"/authority/applications/{warned.pk}/approve/", {"amount": ""})
    assert refused.status_code == 400
    assert "tick the warnings as seen before approving: Revenue jump" in refused.content.decode()

    as_bob_en.post(f"/authority/applications/{warned.pk}/warnings/revenue_jump/seen/")
    seen = AuditEvent.objects.get(action="application.warning_seen")
    assert (seen.actor.username, seen.after["kind"]) == ("bob", "revenue_jump")
    assert b'data-testid="warning-seen"' in page(as_bob_en, warned).content

    as_bob_en.post(f"/authority/applications/{warned.pk}/approve/", {"amount": ""})
    warned.refresh_from_db()
    assert warned.status == "approved"


def test_a_manager_may_not_tick_a_warning(as_alice, warned):
    response = as_alice.post(f"/authority/applications/{warned.pk}/warnings/revenue_jump/seen/")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="application.warning_seen").exists()


def test_another_authoritys_officer_gets_404_for_a_tick(as_dave, warned):
    response = as_dave.post(f"/authority/applications/{warned.pk}/warnings/revenue_jump/seen/")
    assert response.status_code == 404


def test_the_has_warnings_filter_lists_only_warned_applications(as_bob, warned, programme, centre):
    clean = apply(programme, builders.entity(declared_on=TODAY - timedelta(days=60)), centre)
    warnings.sync(application=clean)
    response = as_bob.get("/authority/queue/", {"has_warnings": "true"})
    shown = [a.pk for a in response.context["page"]]
    assert shown == [warned.pk]


# query counts


def queries(client, application) -> int:
    page(client, application)  # the first view stores the warnings
    with CaptureQueriesContext(connection) as captured:
        page(client, application)
    return len(captured)


def test_the_application_page_takes_as_many_queries_with_warnings_as_without(
    as_bob, bob, chengdu, alice, programme, company, centre
):
    plain = apply(programme, company, centre)
    busy_company = builders.entity(declared_on=TODAY - timedelta(days=90))
    declare(busy_company, days_ago=60, revenue="1000.00", phone="13800138000")
    declare(busy_company, days_ago=5, phone="13800138000")
    centre.phone = "13800138000"
    centre.save()
    busy = apply(programme, busy_company, centre, number="HT-9")
    other = builders.programme(authority=chengdu, manager=alice, providers=[centre])
    apply(other, busy_company, centre, number="HT-9-B")
    assert len(warnings.sync(application=busy)) == 3
    warnings.mark_seen(application=busy, kind="double_subsidy", by=bob)
    assert queries(as_bob, busy) == queries(as_bob, plain)


def test_intermediate_shareholders_take_one_query_however_many(as_bob, programme, centre):
    """Shareholders that are entities on the platform cost one query, for one or three."""
    middles = [builders.entity(declared_on=TODAY - timedelta(days=90)) for _ in range(3)]
    lines = [f"股东{n}, {middle.credit_code}" for n, middle in enumerate(middles)]
    one, three = (builders.entity(declared_on=TODAY - timedelta(days=90)) for _ in range(2))
    declare(one, shareholder_text=lines[0])
    declare(three, shareholder_text="\n".join(lines))
    assert queries(as_bob, apply(programme, one, centre)) == queries(
        as_bob, apply(programme, three, centre)
    )


# personal data on the page


def test_personal_data_is_masked_and_revealing_it_is_audited(as_bob_en, programme, company, centre):
    declaration = declare(company, legal_rep_id=ID_NUMBER)
    application = apply(programme, company, centre)
    text = page(as_bob_en, application).content.decode()
    assert ID_NUMBER not in text and "5101**********123X" in text
    shown = as_bob_en.post(
        f"/authority/declarations/{declaration.pk}/personal/legal_rep_id/", HTTP_HX_REQUEST="true"
    )
    assert ID_NUMBER in shown.content.decode()
    event = AuditEvent.objects.get(action="personal_data.reveal")
    assert (event.actor.username, event.after) == ("bob", {"field": "legal_rep_id"})


def test_another_authoritys_officer_cannot_reveal_personal_data(
    as_dave, programme, company, centre
):
    declaration = declare(company, legal_rep_id=ID_NUMBER)
    apply(programme, company, centre)
    response = as_dave.post(f"/authority/declarations/{declaration.pk}/personal/legal_rep_id/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="personal_data.reveal").exists()


def test_warnings_read_in_chinese(as_bob, programme, company, centre):
    declare(company, days_ago=5)
    text = page(as_bob, apply(programme, company, centre)).content.decode()
    assert "营业收入异常增长" in text and "距申请不足 30 天" in text and "确认已查看" in text


def test_warnings_are_stored_once_a_submission_commits(
    programme, company, centre, django_capture_on_commit_callbacks
):
    declare(company, days_ago=5)
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(programme, company, centre)
    assert list(application.warnings.values_list("kind", flat=True)) == ["revenue_jump"]


def test_a_decided_applications_warnings_stay_as_they_were_seen(
    as_bob_en, warned, bob, company, centre, chengdu, alice
):
    warnings.mark_seen(application=warned, kind="revenue_jump", by=bob)
    approve(application=warned, by=bob)
    other = builders.programme(authority=chengdu, manager=alice, providers=[centre])
    apply(other, builders.entity(declared_on=TODAY - timedelta(days=60)), centre)
    text = page(as_bob_en, warned).content.decode()
    assert "Seen by Bob" in text and "Double subsidy" not in text
    assert kinds_stored(warned) == ["revenue_jump"]


def kinds_stored(application):
    return list(application.warnings.values_list("kind", flat=True))


def test_the_demo_has_a_related_party_warning_to_tick(db):
    call_command("load_demo", stdout=StringIO())
    shared = Application.objects.get(
        entity__name="成都蜀光医疗影像科技有限公司", status="submitted"
    )
    assert "related_party" in kinds(shared)
