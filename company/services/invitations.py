"""Inviting a colleague: the entity admin sends a one-time link; accepting it makes
the accepting user entity staff."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import require
from audit import actions
from audit import services as audit
from company.models import Invitation
from config.errors import DomainError


def invite_colleague(*, entity, by, email: str) -> Invitation:
    require(by, "company.invite_colleague", entity)
    email = email.strip().lower()
    staff = Membership.objects.filter(entity=entity, role=Membership.Role.ENTITY_STAFF)
    if staff.filter(user__email__iexact=email).exists():
        raise DomainError("email", "此人已是本单位经办人", "this person is already staff here")
    with transaction.atomic():
        invitation = Invitation.objects.create(entity=entity, email=email, invited_by=by)
        audit.record(
            actor=by, action=actions.INVITATION_CREATE, obj=invitation, after={"email": email}
        )
        transaction.on_commit(lambda: _send(invitation.pk))
    return invitation


def _send(invitation_id: int) -> None:
    from company.tasks import send_invitation_task

    send_invitation_task.delay(invitation_id)


def accept_invitation(*, token: str, user) -> Invitation:
    """Once only, and only by the user with the e-mail it was sent to: a forwarded or
    leaked link makes nobody else staff."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token=token).first()
        if invitation is None:
            raise DomainError("token", "邀请链接无效", "this invitation link is not valid")
        if invitation.accepted_at is not None:
            raise DomainError("token", "邀请已被接受", "this invitation was already accepted")
        if (user.email or "").strip().lower() != invitation.email:
            raise DomainError(
                "token",
                "该邀请发给了其他邮箱，请用收到邀请的邮箱登录",
                "this invitation was sent to another e-mail: log in with that address",
            )
        Membership.objects.get_or_create(
            user=user, role=Membership.Role.ENTITY_STAFF, entity=invitation.entity
        )
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            actor=user,
            action=actions.INVITATION_ACCEPT,
            obj=invitation,
            after={"entity": invitation.entity_id, "user": user.pk},
        )
    return invitation
