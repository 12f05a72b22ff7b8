"""Entity verification: a self-registered entity's business licence (营业执照) checked by
an officer of an authority it applies to, then verified or refused with a note the
company sees. Until verified the entity may draft applications but not submit them
(vouchers.services.applications.submit_application refuses)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Entity, Membership
from audit import actions
from audit import services as audit
from config.errors import DomainError, clean_text

PROVISIONAL = Entity.Verification.PROVISIONAL


def awaiting(*, authority_ids: list[int]) -> QuerySet:
    """Provisional entities with an application in one of these authorities' programmes."""
    applying = Entity.objects.filter(applications__programme__authority_id__in=authority_ids)
    return Entity.objects.filter(verification=PROVISIONAL, pk__in=applying.values("pk"))


def verify_entity(*, entity: Entity, by) -> Entity:
    return _decide(entity, by=by, outcome=Entity.Verification.VERIFIED, note="")


def refuse_entity(*, entity: Entity, by, reason: str) -> Entity:
    if not clean_text(reason, field="reason").strip():
        raise DomainError("reason", "拒绝须说明理由", "a refusal needs a reason", code="required")
    return _decide(entity, by=by, outcome=Entity.Verification.REFUSED, note=reason)


def _decide(entity: Entity, *, by, outcome: str, note: str) -> Entity:
    _require_officer_where_it_applies(by, entity)
    with transaction.atomic():
        entity = Entity.objects.select_for_update().get(pk=entity.pk)
        if entity.verification != PROVISIONAL:
            raise DomainError(
                "entity", "该主体已核验过", "the entity was already checked", code="bad_state"
            )
        entity.verification, entity.verification_note = outcome, note
        entity.verified_by, entity.verified_at = by, timezone.now()
        entity.save(
            update_fields=["verification", "verification_note", "verified_by", "verified_at"]
        )
        audit.record(
            actor=by,
            action=actions.ENTITY_VERIFICATION[outcome],
            obj=entity,
            before={"verification": PROVISIONAL},
            after={"verification": outcome, "note": note},
        )
    return entity


def _require_officer_where_it_applies(user, entity: Entity) -> None:
    officer = Membership.objects.filter(
        user=user,
        role__in=Membership.AUTHORITY_ROLES,
        authority__programmes__applications__entity=entity,
    )
    if not officer.exists():
        raise PermissionDenied
