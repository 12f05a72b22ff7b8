"""The policy simulator on a programme with known outcomes, and invitations.

Chengdu's programme of this year has four filed applications (rules v1: revenue at
least 10,000,000, 50%, annual cap 1,000,000). The draft tried on them raises the floor
to 15,000,000, offers 60% but caps a claim at 50%, and caps an entity at 150,000 a year:

| entity  | latest revenue | contract | filed (before) | draft (after)            |
|---------|----------------|----------|----------------|--------------------------|
| alpha   | 20,000,000     | 100,000  | 50,000         | 50,000 (unchanged)       |
| beta    | 12,000,000     | 400,000  | 200,000        | not eligible (floor)     |
| gamma   | 14,000,000 *   | 100,000  | 50,000         | not eligible (floor)     |
| delta   | 30,000,000     | 400,000  | 200,000        | 150,000 (annual cap)     |

* gamma filed with 20,000,000 and declared 14,000,000 since: the latest declaration counts.
Two entities never applied: epsilon (16,000,000) would qualify, zeta (5,000,000) not."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import declare_profile
from audit.models import AuditEvent
from authority.models import ProgrammeInvitation
from authority.services.invitations import invite_entities
from authority.services.simulator import draft_of, simulate
from company.models import Notification
from company.tasks import email_notification_task
from tests import builders
from tests.authority.conftest import signed_in

DRAFT_RULES = {
    "rules": [
        {"kind": "entity_kinds", "allowed": ["enterprise", "research_institute", "university"]},
        {"kind": "registered_region", "scope": "any"},
        {"kind": "revenue_floor", "min_revenue": "15000000.00"},
        {"kind": "designated_provider"},
        {"kind": "one_subsidy_per_contract"},
    ],
    "rate_tiers": [{"rate": "0.60", "when": {}}],
}


def company(name, revenue):
    return builders.entity(
        name=name, revenue=revenue, declared_on=builders.TODAY - timedelta(days=60)
    )


@pytest.fixture
def filed(programme, centre):
    """The four filed applications, in filing order."""
    rows, entities = [], []
    for name, revenue, value in [
        ("alpha", "20000000.00", "100000.00"),
        ("beta", "12000000.00", "400000.00"),
        ("gamma", "20000000.00", "100000.00"),
        ("delta", "30000000.00", "400000.00"),
    ]:
        entity = company(name, revenue)
        entities.append(entity)
        rows.append(
            builders.submitted_application(
                programme=programme, entity=entity, provider=centre, value=value
            )
        )
    gamma = entities[2]
    declare_profile(
        entity=gamma,
        by=gamma.clerk,
        declared_on=builders.TODAY,
        fiscal_year=builders.TODAY.year - 1,
        registered_region=builders.CHENGDU,
        industry="65",
        employees=120,
        prior_year_revenue=Decimal("14000000.00"),
        is_startup=False,
    )
    return rows


@pytest.fixture
def never_applied(db):
    return {"epsilon": company("epsilon", "16000000.00"), "zeta": company("zeta", "5000000.00")}


@pytest.fixture
def draft(chengdu, alice, centre):
    """Next year's programme, a draft with the rules above."""
    return builders.programme(
        authority=chengdu,
        manager=alice,
        providers=[centre],
        rules=DRAFT_RULES,
        annual_cap="150000.00",
        claim_share_cap=Decimal("0.50"),
        year=builders.TODAY.year + 1,
        publish=False,
    )


def run(draft, source):
    return simulate(draft=draft_of(draft), source=source, target=draft, today=builders.TODAY)


def test_the_simulator_counts_totals_and_lists_exactly_what_changes(
    draft, programme, filed, never_applied
):
    simulation = run(draft, programme)
    assert simulation.filed == 4
    assert simulation.eligible == 2
    assert simulation.passed["revenue_floor"] == 2
    assert simulation.failed["revenue_floor"] == 2
    assert simulation.failed["rate"] == 0
    assert simulation.total_entitlement == Decimal("200000.00")
    assert simulation.budget == Decimal("10000000.00")
    assert simulation.within_budget
    # All four filed within a week: the pace is 200,000 a week.
    assert simulation.weeks_to_exhaustion == Decimal("50.0")
    alpha, beta, gamma, delta = filed
    assert [
        (c.application, c.before_eligible, c.before_amount, c.after_eligible, c.after_amount)
        for c in simulation.changes
    ] == [
        (beta, True, Decimal("200000.00"), False, Decimal("0.00")),
        (gamma, True, Decimal("50000.00"), False, Decimal("0.00")),
        (delta, True, Decimal("200000.00"), True, Decimal("150000.00")),
    ]
    assert [entity.name for entity in simulation.candidates] == ["epsilon"]


def test_the_annual_cap_counts_an_entitys_earlier_applications(draft, programme, centre):
    twice = company("twice", "20000000.00")
    for _ in range(2):
        builders.submitted_application(
            programme=programme, entity=twice, provider=centre, value="200000.00"
        )
    simulation = run(draft, programme)
    # 100,000 for the first; the second only the 50,000 left of the 150,000 cap.
    assert simulation.total_entitlement == Decimal("150000.00")
    assert [c.after_amount for c in simulation.changes] == [Decimal("50000.00")]


def test_the_current_rules_change_nothing(programme, filed):
    """Sanity: the source's own rules give back what was filed, but for gamma, whose
    latest declaration (14,000,000) still passes the 10,000,000 floor."""
    simulation = simulate(
        draft=draft_of(programme), source=programme, target=programme, today=builders.TODAY
    )
    assert simulation.changes == []
    assert simulation.total_entitlement == Decimal("500000.00")


def every_row() -> dict:
    """Every row of every model but the sessions (a signed-in request may touch its own)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.label != "sessions.Session"
    }


def test_the_simulator_writes_nothing(draft, programme, filed, never_applied, alice):
    client = signed_in(alice)
    url = reverse("authority:simulate", args=[draft.pk])
    before, events = every_row(), AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"source": programme.pk})
    assert response.status_code == 200
    assert response.context["simulation"].changes  # it did simulate something
    assert every_row() == before
    assert AuditEvent.objects.count() == events
    statements = {q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries}
    assert statements <= {"SELECT", "SAVEPOINT", "RELEASE"}, statements


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_simulator_page_costs_the_same_queries_whatever_the_rows(
    alice, draft, programme, filed, never_applied, centre
):
    client = signed_in(alice, language="en")
    url = f"{reverse('authority:simulate', args=[draft.pk])}?source={programme.pk}"
    few = queries_for(client, url)
    for name in ("eta", "theta", "iota"):
        builders.submitted_application(
            programme=programme, entity=company(name, "25000000.00"), provider=centre
        )
        company(f"{name}-never", "17000000.00")
    assert queries_for(client, url) == few


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_simulator_page_shows_the_outcome(
    alice, draft, programme, filed, never_applied, language
):
    client = signed_in(alice, language=language)
    url = reverse("authority:simulate", args=[draft.pk])
    page = client.get(url, {"source": programme.pk}).content.decode()
    assert 'data-testid="total">¥200,000.00' in page or "200,000.00" in page
    assert "epsilon" in page and "zeta" not in page
    assert page.count(f'href="{reverse("authority:application", args=[filed[1].pk])}"') == 1


def test_a_programme_of_another_authority_is_no_source(
    alice, draft, programme, filed, hangzhou, centre
):
    manager = builders.member("hank", "programme_manager", authority=hangzhou)
    theirs = builders.programme(authority=hangzhou, manager=manager, providers=[centre])
    page = signed_in(alice).get(
        reverse("authority:simulate", args=[draft.pk]), {"source": theirs.pk}
    )
    assert page.context["simulation"].source == draft  # fell back to the programme itself


@pytest.fixture
def published(draft, alice):
    from vouchers.services.programmes import publish_programme

    return publish_programme(programme=draft, by=alice)


def test_an_entity_is_invited_once_per_programme(
    published, never_applied, alice, django_capture_on_commit_callbacks
):
    epsilon = never_applied["epsilon"]
    epsilon.clerk.email = "epsilon@example.com"
    epsilon.clerk.save()
    # The e-mail is a task queued after commit (eager or through the broker alike).
    queueing = mock.patch("company.tasks.email_notification_task.delay")
    with queueing as queued, django_capture_on_commit_callbacks(execute=True):
        made = invite_entities(programme=published, entities=[epsilon], by=alice)
    assert [invitation.entity for invitation in made] == [epsilon]
    again = invite_entities(programme=published, entities=[epsilon], by=alice)
    assert again == []
    assert ProgrammeInvitation.objects.filter(programme=published, entity=epsilon).count() == 1
    assert AuditEvent.objects.filter(action="programme.invite", programme=published).count() == 1
    notice = Notification.objects.get(entity=epsilon)
    assert notice.user == epsilon.clerk
    assert published.name_zh in notice.subject_zh
    queued.assert_called_once_with(notice.pk)
    email_notification_task(notice.pk)
    assert [m.to for m in mail.outbox] == [["epsilon@example.com"]]


def test_a_draft_invites_nobody(draft, never_applied, alice):
    from config.errors import DomainError

    with pytest.raises(DomainError):
        invite_entities(programme=draft, entities=[never_applied["epsilon"]], by=alice)
    assert not ProgrammeInvitation.objects.exists()


def test_the_invite_page_invites_only_the_simulators_candidates(
    alice, published, programme, filed, never_applied
):
    client = signed_in(alice, language="en")
    url = reverse("authority:invite", args=[published.pk])
    wanted = [never_applied["epsilon"].pk, never_applied["zeta"].pk, filed[0].entity_id]
    response = client.post(url, {"source": programme.pk, "entity": wanted})
    assert response.status_code == 302
    invited = ProgrammeInvitation.objects.values_list("entity_id", flat=True)
    assert list(invited) == [never_applied["epsilon"].pk]
    client.post(url, {"source": programme.pk, "entity": wanted})
    assert ProgrammeInvitation.objects.count() == 1


def test_a_revision_simulated_on_the_revise_page_saves_nothing(alice, programme, filed):
    from tests.authority.builder_data import builder_data

    client = signed_in(alice, language="en")
    data = {**builder_data(document=DRAFT_RULES), "simulate": "1", "source": programme.pk}
    response = client.post(reverse("authority:revise", args=[programme.pk]), data)
    assert response.status_code == 200
    assert response.context["simulation"].filed == 4
    assert programme.rulesets.count() == 1


def test_a_long_changed_list_shows_its_first_rows_and_says_how_many(
    alice, draft, programme, filed, monkeypatch
):
    from authority.views import programmes as pages

    monkeypatch.setattr(pages, "SHOWN", 2)
    client = signed_in(alice, language="en")
    response = client.get(reverse("authority:simulate", args=[draft.pk]), {"source": programme.pk})
    page = response.content.decode()
    assert "The first 2 of 3 are shown." in page
    assert page.count('href="/authority/applications/') == 2
