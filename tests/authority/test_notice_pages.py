"""The officers' pages for public notice and the dishonesty list: each role of the
authority sees them, another authority's objects 404, decisions re-ask the password."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import builders
from tests.authority.conftest import signed_in
from vouchers.models import DishonestyList, Objection, Voucher
from vouchers.services.applications import approve_application
from vouchers.services.notice import file_objection
from web.auth import SESSION_KEY as RECENT_LOGIN

OBJECTION = {"name": "王五", "contact": "13800000000", "text": "该企业与服务商为关联方"}


@pytest.fixture
def in_notice(chengdu, alice, company, centre, carol) -> Voucher:
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], public_notice_days=7
    )
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    return approve_application(application=application, by=carol).voucher


@pytest.fixture
def objection(in_notice) -> Objection:
    return file_objection(voucher=in_notice, **OBJECTION)


def test_officers_see_the_vouchers_in_notice_with_days_left(as_bob, in_notice, objection):
    page = as_bob.get("/authority/notice/")
    assert page.status_code == 200
    days = (in_notice.notice_ends_on - timezone.localdate()).days
    assert f'data-testid="days-left">{days}<' in page.content.decode()
    detail = as_bob.get(f"/authority/notice/{in_notice.pk}/").content.decode()
    assert "13800000000" in detail


@pytest.mark.parametrize("persona", ["alice", "frank"])
def test_every_role_of_the_authority_sees_the_pages(request, persona, in_notice):
    client = signed_in(request.getfixturevalue(persona), language="en")
    for url in (
        "/authority/notice/",
        f"/authority/notice/{in_notice.pk}/",
        "/authority/dishonesty/",
    ):
        assert client.get(url).status_code == 200, url


def test_another_authority_gets_404(as_dave, in_notice, objection):
    assert as_dave.get(f"/authority/notice/{in_notice.pk}/").status_code == 404
    assert in_notice.code not in as_dave.get("/authority/notice/").content.decode()
    response = as_dave.post(f"/authority/objections/{objection.pk}/uphold/", {"reason": "成立"})
    assert response.status_code == 404
    assert (
        as_dave.post(f"/authority/notice/{in_notice.pk}/end/", {"reason": "x"}).status_code == 404
    )


def test_an_officer_dismisses_with_a_reason(as_bob, objection):
    response = as_bob.post(f"/authority/objections/{objection.pk}/dismiss/", {"reason": "不成立"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.reason) == (Objection.Status.DISMISSED, "不成立")


def test_an_officer_upholds_and_the_voucher_is_revoked(as_bob, objection):
    as_bob.post(f"/authority/objections/{objection.pk}/uphold/", {"reason": "关联方属实"})
    objection.voucher.refresh_from_db()
    assert objection.voucher.status == Voucher.Status.REVOKED


def test_a_resolution_without_a_reason_is_refused(as_bob, objection):
    response = as_bob.post(f"/authority/objections/{objection.pk}/dismiss/", {"reason": ""})
    assert response.status_code == 400
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN


def test_ending_early_is_refused_while_an_objection_is_open(as_bob_en, in_notice, objection):
    response = as_bob_en.post(f"/authority/notice/{in_notice.pk}/end/", {"reason": "急需开工"})
    assert response.status_code == 400
    assert "an objection is open" in response.content.decode()


def test_a_decision_asks_for_the_password_again(bob, objection):
    client = signed_in(bob)
    session = client.session
    session[RECENT_LOGIN] = (timezone.now() - timedelta(hours=1)).timestamp()
    session.save()
    response = client.post(f"/authority/objections/{objection.pk}/dismiss/", {"reason": "不成立"})
    assert response.status_code == 302
    assert "/accounts/confirm/" in response["Location"]
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN


def test_an_officer_imports_the_dishonesty_list(as_bob, company):
    content = f"credit_code,listed_from,listed_until\n{company.credit_code},2024-01-01,2025-01-01"
    upload = SimpleUploadedFile("list.csv", content.encode())
    response = as_bob.post("/authority/dishonesty/import/", {"file": upload})
    assert response.status_code == 302
    assert DishonestyList.objects.get().imported_by.username == "bob"
    assert "list.csv" in as_bob.get("/authority/dishonesty/").content.decode()


def test_a_bad_row_is_shown_by_line_and_nothing_stored(as_bob_en, company):
    content = f"credit_code,listed_from,listed_until\n{company.credit_code},2024-01-01,soon"
    upload = SimpleUploadedFile("list.csv", content.encode())
    response = as_bob_en.post("/authority/dishonesty/import/", {"file": upload})
    assert response.status_code == 400
    assert "line 2, listed_until" in response.content.decode()
    assert not DishonestyList.objects.exists()


def test_a_company_user_gets_no_officer_page(client, company):
    client.force_login(company.clerk)
    assert client.get("/authority/dishonesty/").status_code == 403
