"""Policy finds the company (政策找企业): once a programme is published, its manager
invites the entities the policy simulator found would qualify but have not applied.

Each invitation is a row (unique per entity and programme, so a second one is refused
by the database even when two managers click at once), an audit event, and a message in
each of the entity's staff's inbox, e-mailed after commit."""

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Membership
from accounts.permissions import require
from audit import actions
from audit import services as audit
from authority.models import ProgrammeInvitation
from company.models import Notification
from config.errors import DomainError
from vouchers.models import Programme


def invite_entities(*, programme: Programme, entities, by) -> list[ProgrammeInvitation]:
    """Invite each entity not invited yet; returns the invitations made now."""
    require(by, "vouchers.manage_programme", programme)
    if programme.status != Programme.Status.PUBLISHED:
        raise DomainError(
            "programme",
            "项目发布后才能邀请企业申报",
            "entities are invited once the programme is published",
            code="bad_state",
        )
    made = []
    for entity in sorted(entities, key=lambda entity: entity.pk):
        invitation = _invite(programme, entity, by)
        if invitation is not None:
            made.append(invitation)
    return made


def _invite(programme, entity, by) -> ProgrammeInvitation | None:
    try:
        # A savepoint per entity: one already invited does not undo the others.
        with transaction.atomic():
            invitation = ProgrammeInvitation.objects.create(
                programme=programme, entity=entity, invited_by=by
            )
            event = audit.record(
                actor=by,
                action=actions.PROGRAMME_INVITE,
                obj=invitation,
                programme=programme,
                after={"entity": entity.pk, "programme": programme.pk},
            )
            _notify(programme, entity, event)
    except IntegrityError:
        return None  # invited already: once per entity and programme
    return invitation


def _notify(programme, entity, event) -> None:
    staff = Membership.objects.filter(entity=entity, role=Membership.Role.ENTITY_STAFF)
    link = reverse("company:programme", args=[programme.pk])
    rows = [
        Notification(
            user_id=user_id,
            entity=entity,
            event=event,
            subject_zh=f"邀请申报：{programme.name_zh}"[:200],
            subject_en=f"You are invited to apply: {programme.name_en}"[:200],
            body=(
                f"{programme.authority.name_zh}邀请贵单位申报「{programme.name_zh}」。\n"
                f"{programme.authority.name_en} invites you to apply to {programme.name_en}."
            ),
            link=link,
        )
        for user_id in staff.values_list("user_id", flat=True)
    ]
    created = Notification.objects.bulk_create(rows)
    ids = [notification.pk for notification in created]
    transaction.on_commit(lambda: _queue_emails(ids))


def _queue_emails(ids: list[int]) -> None:
    from company.tasks import email_notification_task

    for pk in ids:
        email_notification_task.delay(pk)
