"""Every page of the government portal, for every officer role; the wrong authority's
objects answer 404; no page opens without the second factor."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import declare_profile
from tests import builders
from tests.authority.conftest import signed_in
from vouchers.services.applications import approve_application

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def evidence(company):
    """星河's newer declaration, with its evidence file."""
    return declare_profile(
        entity=company,
        by=company.clerk,
        declared_on=builders.TODAY,
        fiscal_year=2023,
        registered_region="510104",
        industry="65",
        employees=150,
        prior_year_revenue=Decimal("30000000.00"),
        is_startup=False,
        evidence=SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf"),
    )


@pytest.fixture
def voucher(programme, company, centre, carol):
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre, value="60000.00"
    )
    return approve_application(application=application, by=carol).voucher


def pages(application, voucher, evidence) -> list[str]:
    return [
        "/authority/",
        "/authority/queue/",
        "/authority/queue.csv",
        f"/authority/applications/{application.pk}/",
        "/authority/vouchers/",
        "/authority/vouchers.csv",
        f"/authority/vouchers/{voucher.pk}/",
        f"/authority/declarations/{evidence.pk}/evidence/",
    ]


def actions(application, voucher) -> list[str]:
    return [
        "/authority/queue/decide/",
        f"/authority/applications/{application.pk}/approve/",
        f"/authority/applications/{application.pk}/return/",
        f"/authority/applications/{application.pk}/reject/",
        f"/authority/vouchers/{voucher.pk}/revoke/",
    ]


@pytest.mark.parametrize("persona", ["alice", "bob", "frank"])
def test_every_page_opens_for_every_officer_role(
    request, persona, frank, application, voucher, evidence
):
    client = signed_in(request.getfixturevalue(persona))
    for url in pages(application, voucher, evidence):
        assert client.get(url).status_code == 200, url


def test_pages_read_in_english_too(as_bob_en, application, voucher):
    for url in ("/authority/", "/authority/queue/", f"/authority/applications/{application.pk}/"):
        page = as_bob_en.get(url).content.decode()
        assert "Review queue" in page


def test_the_htmx_partials_render_the_rows_alone(as_bob, application, voucher):
    for url in ("/authority/queue/", "/authority/vouchers/"):
        fragment = as_bob.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "<table" in fragment and "<html" not in fragment


def test_another_authoritys_officer_gets_404(as_dave, application, voucher, evidence):
    objects = [
        url for url in pages(application, voucher, evidence) if any(c.isdigit() for c in url)
    ]
    for url in objects + actions(application, voucher)[1:]:
        assert as_dave.get(url).status_code == 404, url
        assert as_dave.post(url, {"note": "x", "reason": "x"}).status_code == 404, url
    application.refresh_from_db()
    assert application.status == "submitted"


def test_another_authoritys_lists_show_none_of_ours(as_dave, application, voucher):
    assert str(application.pk) not in as_dave.get("/authority/queue/?status=").context["page"]
    assert not list(as_dave.get("/authority/vouchers/").context["page"])


def test_every_authority_url_refuses_a_session_without_the_second_factor(
    bob, application, voucher, evidence
):
    password_only = signed_in(bob, verified=False)
    for url in pages(application, voucher, evidence) + actions(application, voucher):
        for response in (password_only.get(url), password_only.post(url, {"note": "x"})):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/authority/two-factor/"), url
    application.refresh_from_db()
    assert application.status == "submitted"


def test_an_htmx_request_without_the_second_factor_is_sent_to_it_whole(bob):
    password_only = signed_in(bob, verified=False)
    response = password_only.get("/authority/queue/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/authority/two-factor/")


def test_the_evidence_is_served_through_the_guarded_file_view(as_bob, application, evidence):
    response = as_bob.get(f"/authority/declarations/{evidence.pk}/evidence/")
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_the_evidence_of_an_entity_that_never_applied_here_is_404(as_bob, evidence):
    assert as_bob.get(f"/authority/declarations/{evidence.pk}/evidence/").status_code == 404


def test_only_a_reviewer_sees_the_decision_forms(as_bob, as_alice, application):
    url = f"/authority/applications/{application.pk}/"
    assert as_bob.get(url).context["can_decide"]
    assert not as_alice.get(url).context["can_decide"]


def test_the_application_page_shows_declarations_trace_and_history(
    as_bob, application, evidence, voucher
):
    response = as_bob.get(f"/authority/applications/{application.pk}/")
    page = response.content.decode()
    assert "licence.pdf" not in page  # linked through the guarded view, not by name
    assert f"/authority/declarations/{evidence.pk}/evidence/" in page
    assert len(response.context["declarations"]) == 2
    assert response.context["rules"] and all("filed" in row for row in response.context["rules"])
    assert response.context["entitlement_now"] == Decimal("50000.00")
    assert voucher in list(response.context["entity_vouchers"])
    assert voucher.application in list(response.context["other_applications"])


def test_home_counts_what_waits(as_bob, application, voucher):
    response = as_bob.get("/authority/")
    assert response.context["waiting"] == 1
    assert response.context["in_notice"] == 0


def test_a_decided_application_shows_the_rules_as_filed_only(as_bob, application, carol):
    approve_application(application=application, by=carol)
    response = as_bob.get(f"/authority/applications/{application.pk}/")
    assert not response.context["judged_now"]
    page = response.content.decode()
    assert "当前可获补贴" not in page
    assert 'data-testid="decided-by"' in page
    assert (carol.display_name or carol.username) in page
    assert f"/authority/vouchers/{application.voucher.pk}/" in page


def test_a_rule_judged_otherwise_today_is_shown_under_the_filed_one(as_bob, application, company):
    declare_profile(
        entity=company,
        by=company.clerk,
        declared_on=builders.TODAY,
        fiscal_year=2023,
        registered_region="510100",
        industry="65",
        employees=120,
        prior_year_revenue=Decimal("5000000.00"),
        is_startup=False,
    )
    response = as_bob.get(f"/authority/applications/{application.pk}/")
    changed = [row for row in response.context["rules"] if row["changed"]]
    assert [(row["filed"]["passed"], row["now"]["passed"]) for row in changed] == [(True, False)]
    assert response.content.decode().count('data-testid="rule-now"') == 1
