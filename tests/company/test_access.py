"""Who may open which page: anonymous visitors are sent to log in, staff of an authority
or a provider are refused, and one company opening another's page gets 404."""

import pytest
from django.test import Client

from company.models import Notification
from tests import builders

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "/company/",
    "/company/team/",
    "/company/declarations/",
    "/company/declarations/new/",
    "/company/programmes/",
    "/company/applications/",
    "/company/vouchers/",
    "/company/claims/",
    "/company/inbox/",
]
# Pages that act for the user's entities as a whole.
ACTIONS = [("post", "/company/switch/")]


@pytest.fixture
def xinghe_pages(draft, voucher, claim, declaration, clerk, programme):
    """Every page about one of 星河's own rows."""
    note = Notification.objects.create(
        user=clerk, entity=draft.entity, subject_zh="测试", subject_en="test", link="/company/"
    )
    return [
        f"/company/applications/{draft.pk}/",
        f"/company/applications/{draft.pk}/edit/",
        f"/company/applications/{draft.pk}/submit/",
        f"/company/applications/{draft.pk}/withdraw/",
        f"/company/vouchers/{voucher.pk}/",
        f"/company/vouchers/{voucher.pk}/claim/",
        f"/company/claims/{claim.pk}/",
        f"/company/claims/{claim.pk}/invoice/",
        f"/company/claims/{claim.pk}/proof/",
        f"/company/declarations/{declaration.pk}/evidence/",
        ("post", f"/company/inbox/{note.pk}/read/"),
    ]


def fetch(client, page):
    method, url = page if isinstance(page, tuple) else ("get", page)
    return getattr(client, method)(url)


def test_every_page_of_one_company_opened_as_another_is_not_found(as_rival, xinghe_pages):
    for page in xinghe_pages:
        assert fetch(as_rival, page).status_code == 404, page


def test_every_page_of_a_company_opens_for_its_own_staff(as_clerk, xinghe_pages):
    for page in xinghe_pages + LIST_PAGES:
        assert fetch(as_clerk, page).status_code in (200, 302), page


def test_a_visitor_is_sent_to_log_in_from_every_page(client, xinghe_pages, programme):
    for page in xinghe_pages + LIST_PAGES + ACTIONS + [f"/company/programmes/{programme.pk}/"]:
        response = fetch(client, page)
        assert response.status_code == 302, page
        assert response.url.startswith("/accounts/login/?next="), page


@pytest.mark.parametrize("persona", ["bob", "alice", "centre_engineer"])
def test_authority_and_provider_staff_are_refused_every_page(request, persona, xinghe_pages):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    for page in xinghe_pages + LIST_PAGES + ACTIONS + ["/company/register/"]:
        assert fetch(client, page).status_code == 403, page


def test_a_newcomer_without_an_entity_is_sent_to_register(client, db):
    client.force_login(builders.UserFactory(username="newcomer"))
    response = client.get("/company/applications/")
    assert (response.status_code, response.url) == (302, "/company/register/")


def test_only_the_entity_admin_may_invite(company, clerk):
    colleague = builders.member("colleague", "entity_staff", entity=company)
    client = Client()
    client.force_login(colleague)
    assert client.get("/company/team/").status_code == 403
    assert client.post("/company/team/", {"email": "x@example.com"}).status_code == 403


def test_a_programme_not_open_is_not_found(as_clerk, chengdu, alice, centre):
    draft_programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], publish=False
    )
    assert as_clerk.get(f"/company/programmes/{draft_programme.pk}/").status_code == 404
    assert as_clerk.get(f"/company/programmes/{draft_programme.pk}/apply/").status_code == 404


def test_a_money_action_asks_for_the_password_again_after_a_while(as_clerk, draft):
    session = as_clerk.session
    session["web_authenticated_at"] = 0
    session.save()
    response = as_clerk.post(f"/company/applications/{draft.pk}/submit/")
    assert response.status_code == 302 and response.url.startswith("/accounts/confirm/")
    draft.refresh_from_db()
    assert draft.status == "draft"
