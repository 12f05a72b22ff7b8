"""Decisions through the portal's pages: approve the entitlement or less with a reason,
return with the officer's own words, reject with a reason, the second reviewer above a
programme's threshold, revocation, the re-typed password; and the same rules through
the services."""

from decimal import Decimal

import pytest

from config.errors import DomainError
from tests import builders
from tests.authority.conftest import signed_in
from vouchers.models import Application, FirstApproval, Programme, Voucher
from vouchers.services import second_review
from vouchers.services.applications import approve_application


def approve_url(application):
    return f"/authority/applications/{application.pk}/approve/"


def test_a_reviewer_approves_a_lower_amount_with_a_reason(as_bob, application):
    response = as_bob.post(
        approve_url(application), {"amount": "30000", "reason": "合同含非算力费用"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.approved_amount == Decimal("30000.00")
    assert application.review_note == "合同含非算力费用"
    assert application.voucher.face_value == Decimal("30000.00")


def test_a_lower_amount_without_a_reason_is_refused_on_the_form(as_bob_en, application):
    response = as_bob_en.post(approve_url(application), {"amount": "30000", "reason": ""})
    assert response.status_code == 400
    assert "needs a reason" in str(response.context["approve_form"].errors["reason"])
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not Voucher.objects.exists()


def test_an_amount_above_the_entitlement_is_refused_in_chinese(as_bob, application):
    response = as_bob.post(approve_url(application), {"amount": "50000.01"})
    assert "核定金额不得超过" in str(response.context["approve_form"].errors["amount"])
    assert not Voucher.objects.exists()


def test_a_malformed_amount_names_the_field(as_bob_en, application):
    response = as_bob_en.post(approve_url(application), {"amount": "1e5"})
    assert "amount" in response.context["approve_form"].errors


def test_an_empty_amount_approves_the_entitlement(as_bob, application):
    as_bob.post(approve_url(application), {"amount": ""})
    application.refresh_from_db()
    assert application.approved_amount == Decimal("50000.00")


def test_a_return_sends_the_officers_own_words_to_the_company(as_bob, application, company):
    note = "请补充算力服务交付证明"
    as_bob.post(f"/authority/applications/{application.pk}/return/", {"return-note": note})
    application.refresh_from_db()
    assert (application.status, application.review_note) == ("returned", note)
    company_page = signed_in(company.clerk).get(f"/company/applications/{application.pk}/")
    assert note in company_page.content.decode()


def test_a_rejection_needs_a_reason(as_bob, application):
    response = as_bob.post(
        f"/authority/applications/{application.pk}/reject/", {"reject-note": " "}
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_manager_may_not_decide(as_alice, application):
    assert as_alice.post(approve_url(application), {"amount": ""}).status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_decision_needs_a_recently_typed_password(bob, application):
    client = signed_in(bob)
    session = client.session
    session["web_authenticated_at"] = 0
    session.save()
    response = client.post(approve_url(application), {"amount": ""})
    assert (
        response["Location"].startswith("/confirm-password/") or "confirm" in response["Location"]
    )
    application.refresh_from_db()
    assert application.status == "submitted"


def test_bulk_return_with_one_reason(as_bob, programme, company, centre, application):
    other = builders.submitted_application(
        programme=programme,
        entity=builders.entity(name="成都蜀光医疗影像科技有限公司"),
        provider=centre,
    )
    response = as_bob.post(
        "/authority/queue/decide/",
        {"action": "return", "reason": "请补充发票", "applications": [application.pk, other.pk]},
    )
    assert response.status_code == 302
    decided = Application.objects.filter(pk__in=[application.pk, other.pk])
    assert {(a.status, a.review_note) for a in decided} == {("returned", "请补充发票")}


def test_there_is_no_bulk_approval(as_bob, application):
    as_bob.post(
        "/authority/queue/decide/",
        {"action": "approve", "reason": "ok", "applications": [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == "submitted"


def test_bulk_decisions_touch_only_waiting_applications_of_the_officers_authority(
    as_dave, application
):
    as_dave.post(
        "/authority/queue/decide/",
        {"action": "reject", "reason": "x", "applications": [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == "submitted"


@pytest.fixture
def threshold(programme):
    """Chengdu's programme: approvals above 20,000 yuan need a second reviewer."""
    Programme.objects.filter(pk=programme.pk).update(second_review_above=Decimal("20000.00"))
    programme.refresh_from_db()
    return programme


def test_above_the_threshold_a_second_different_reviewer_issues_the_voucher(
    threshold, application, as_bob, as_carol
):
    as_bob.post(approve_url(application), {"amount": "40000", "reason": "核减"})
    application.refresh_from_db()
    assert application.status == "submitted" and not Voucher.objects.exists()
    page = as_bob.get(f"/authority/applications/{application.pk}/")
    assert page.context["first_approval"].amount == Decimal("40000.00")
    # The first reviewer is not offered the confirmation the service would refuse them.
    assert 'data-testid="own-first-approval"' in page.content.decode()
    assert 'data-testid="approve"' not in page.content.decode()
    other = as_carol.get(f"/authority/applications/{application.pk}/").content.decode()
    assert 'data-testid="approve"' in other

    again = as_bob.post(approve_url(application), {})
    assert "另一名审核员" in str(again.context["approve_form"].errors)
    assert not Voucher.objects.exists()

    as_carol.post(approve_url(application), {})
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.voucher.face_value == Decimal("40000.00")
    confirmed = FirstApproval.objects.get(application=application)
    assert (confirmed.approved_by.username, confirmed.confirmed_by.username) == ("bob", "carol")


def test_at_or_below_the_threshold_one_reviewer_decides(threshold, application, as_bob):
    as_bob.post(approve_url(application), {"amount": "20000", "reason": "核减"})
    application.refresh_from_db()
    assert application.status == "approved"


def test_the_service_refuses_to_issue_above_the_threshold_without_a_first_approval(
    threshold, application, bob
):
    with pytest.raises(DomainError) as refused:
        approve_application(application=application, by=bob)
    assert refused.value.code == "second_review_required"
    assert not Voucher.objects.exists()


def test_the_service_refuses_the_first_reviewer_as_second(threshold, application, bob):
    second_review.propose(application=application, by=bob)
    with pytest.raises(DomainError) as refused:
        approve_application(application=application, by=bob)
    assert refused.value.code == "same_reviewer"


def test_a_first_approval_from_before_a_return_no_longer_counts(
    threshold, application, bob, carol, company
):
    from vouchers.services.applications import return_application, submit_application

    second_review.propose(application=application, by=bob)
    return_application(application=application, by=carol, note="请补充")
    submit_application(application=application, by=company.clerk)
    application.refresh_from_db()
    assert second_review.open_first_approval(application) is None
    with pytest.raises(DomainError):
        approve_application(application=application, by=carol)


def test_a_reviewer_revokes_a_voucher_with_a_reason(as_bob, programme, company, centre, carol):
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    voucher = approve_application(application=application, by=carol).voucher
    refused = as_bob.post(f"/authority/vouchers/{voucher.pk}/revoke/", {"reason": ""})
    assert refused.status_code == 400
    as_bob.post(f"/authority/vouchers/{voucher.pk}/revoke/", {"reason": "合同已解除"})
    voucher.refresh_from_db()
    assert voucher.status == "revoked" and voucher.released == voucher.face_value
