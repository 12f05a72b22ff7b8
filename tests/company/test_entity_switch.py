"""A clerk who acts for two entities (a group's finance clerk, invited by both) picks the
one to act for; every page then shows that entity's rows only, and the choice never
reaches an entity the clerk does not act for."""

import pytest

from accounts.models import Membership
from company.access import CHOSEN_ENTITY
from tests import builders

pytestmark = pytest.mark.django_db
SWITCH = "/company/switch/"


@pytest.fixture
def both(clerk, company, rival):
    """星河's clerk is staff of 蜀光 too (星河 first)."""
    Membership.objects.create(user=clerk, role=Membership.Role.ENTITY_STAFF, entity=rival)
    return company, rival


@pytest.fixture
def rival_draft(programme, rival, centre):
    from vouchers.services.applications import create_application

    signed = builders.contract(entity=rival, provider=centre)
    return create_application(entity=rival, contract=signed, programme=programme, by=rival.clerk)


def test_the_first_entity_is_acted_for_until_another_is_chosen(as_clerk, both):
    company, rival = both
    page = as_clerk.get("/company/").content.decode()

    assert company.name in page
    assert f'name="entity" value="{rival.pk}"' in page  # the switch to the other
    assert f'name="entity" value="{company.pk}"' not in page


def test_switching_shows_the_other_entitys_rows_and_hides_the_first(
    as_clerk, both, draft, rival_draft
):
    company, rival = both
    assert as_clerk.get(f"/company/applications/{draft.pk}/").status_code == 200

    response = as_clerk.post(SWITCH, {"entity": rival.pk}, follow=True)

    assert response.redirect_chain[-1][0] == "/company/"
    assert rival.name in response.content.decode()
    assert as_clerk.session[CHOSEN_ENTITY] == rival.pk
    assert as_clerk.get(f"/company/applications/{rival_draft.pk}/").status_code == 200
    assert as_clerk.get(f"/company/applications/{draft.pk}/").status_code == 404
    listed = as_clerk.get("/company/applications/").content.decode()
    assert rival_draft.contract.number in listed and draft.contract.number not in listed


@pytest.mark.parametrize("entity", ["stranger", "", "not-a-number"])
def test_an_entity_the_clerk_does_not_act_for_cannot_be_chosen(as_clerk, both, entity):
    stranger = builders.entity(name="成都无关科技有限公司")
    value = stranger.pk if entity == "stranger" else entity

    assert as_clerk.post(SWITCH, {"entity": value}).status_code == 404
    assert CHOSEN_ENTITY not in as_clerk.session


def test_switching_is_a_post(as_clerk, both):
    assert as_clerk.get(SWITCH).status_code == 405


def test_a_choice_whose_membership_ended_falls_back_to_the_first(as_clerk, both, clerk):
    company, rival = both
    as_clerk.post(SWITCH, {"entity": rival.pk}, follow=True)

    Membership.objects.filter(user=clerk, entity=rival).delete()

    page = as_clerk.get("/company/").content.decode()
    assert company.name in page and rival.name not in page


def test_a_clerk_of_one_entity_sees_no_switch(as_clerk, company):
    page = as_clerk.get("/company/").content.decode()
    assert company.name in page
    assert SWITCH not in page
