"""Entity verification: a self-registered entity waits for an officer of an authority it
applies to; verified, it may submit; refused, it sees why. Other officers get 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Entity
from audit import actions
from audit.models import AuditEvent
from authority.services.verification import refuse_entity, verify_entity
from config.errors import DomainError
from tests import builders
from vouchers.demo.world import contract
from vouchers.models import Application
from vouchers.services.applications import create_application, submit_application

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
Verification = Entity.Verification


@pytest.fixture
def newcomer(db) -> Entity:
    """A self-registered entity (provisional) with its business licence."""
    entity = builders.entity(name="成都新来科技有限公司")
    entity.verification = Verification.PROVISIONAL
    entity.business_licence.save("licence.pdf", SimpleUploadedFile("licence.pdf", PDF))
    return entity


@pytest.fixture
def draft(newcomer, programme, centre) -> Application:
    signed = contract(entity=newcomer, provider=centre, value="100000.00")
    return create_application(
        entity=newcomer, contract=signed, programme=programme, by=newcomer.clerk
    )


def test_an_unverified_entity_may_draft_but_not_submit(draft, newcomer):
    with pytest.raises(DomainError) as refused:
        submit_application(application=draft, by=newcomer.clerk)
    assert (refused.value.field, refused.value.code) == ("entity", "entity_unverified")
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_once_verified_it_submits(draft, newcomer, bob):
    verify_entity(entity=newcomer, by=bob)
    newcomer.refresh_from_db()
    assert (newcomer.verification, newcomer.verified_by) == (Verification.VERIFIED, bob)
    assert submit_application(application=draft, by=newcomer.clerk).status == "submitted"
    assert AuditEvent.objects.filter(action=actions.ENTITY_VERIFY, actor=bob).exists()


def test_a_refusal_gives_its_reason_to_the_company(draft, newcomer, bob):
    refuse_entity(entity=newcomer, by=bob, reason="营业执照名称与申报名称不一致")
    with pytest.raises(DomainError) as refused:
        submit_application(application=draft, by=newcomer.clerk)
    assert "营业执照名称与申报名称不一致" in refused.value.zh
    with pytest.raises(DomainError):
        verify_entity(entity=newcomer, by=bob)


def test_a_refusal_needs_a_reason(draft, newcomer, bob):
    with pytest.raises(DomainError) as refused:
        refuse_entity(entity=newcomer, by=bob, reason=" ")
    assert refused.value.field == "reason"


def test_only_an_officer_where_it_applies_decides(draft, newcomer, dave):
    with pytest.raises(PermissionDenied):
        verify_entity(entity=newcomer, by=dave)
    newcomer.refresh_from_db()
    assert newcomer.verification == Verification.PROVISIONAL


def test_the_officer_sees_the_waiting_entity_and_its_licence(as_bob, draft, newcomer):
    page = as_bob.get("/authority/verification/").content.decode()
    assert newcomer.credit_code in page
    licence = as_bob.get(f"/authority/verification/{newcomer.pk}/licence/")
    assert licence.status_code == 200
    assert b"".join(licence.streaming_content).startswith(b"%PDF")


def test_the_officer_verifies_and_refuses_through_the_pages(as_bob_en, draft, newcomer):
    response = as_bob_en.post(f"/authority/verification/{newcomer.pk}/refuse/", {"reason": ""})
    assert response.status_code == 400
    response = as_bob_en.post(f"/authority/verification/{newcomer.pk}/verify/")
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.verification == Verification.VERIFIED
    assert newcomer.credit_code not in as_bob_en.get("/authority/verification/").content.decode()


def test_another_authority_gets_404(as_dave, draft, newcomer):
    assert newcomer.credit_code not in as_dave.get("/authority/verification/").content.decode()
    assert as_dave.get(f"/authority/verification/{newcomer.pk}/licence/").status_code == 404
    assert as_dave.post(f"/authority/verification/{newcomer.pk}/verify/").status_code == 404
    newcomer.refresh_from_db()
    assert newcomer.verification == Verification.PROVISIONAL


def test_an_entity_that_applies_nowhere_waits_for_nobody(as_bob, newcomer):
    assert newcomer.credit_code not in as_bob.get("/authority/verification/").content.decode()


def test_a_decision_raced_by_another_officer_is_a_message_not_an_error(
    as_bob_en, draft, newcomer, carol, monkeypatch
):
    from authority.views import verification

    def decided_meanwhile(*, entity, by):
        verify_entity(entity=entity, by=carol)
        return verify_entity(entity=entity, by=by)

    monkeypatch.setattr(verification, "verify_entity", decided_meanwhile)
    response = as_bob_en.post(f"/authority/verification/{newcomer.pk}/verify/", follow=True)
    assert response.status_code == 200
    assert "the entity was already checked" in response.content.decode()
