"""Celery tasks: thin, take ids, call one service (in-process when no REDIS_URL)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError

from company.models import Invitation, Notification
from company.services import notifications


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def scan_notifications_task() -> int:
    return len(notifications.scan_audit_trail())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_notification_task(notification_id: int) -> bool:
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if not notification.user.email or not notifications.claim_email(notification_id):
        return False  # nobody to write to (the inbox still has it), or sent already
    try:
        send_mail(
            subject=f"{notification.subject_zh} / {notification.subject_en}",
            message="\n\n".join(
                part for part in (notification.body, _absolute(notification.link)) if part
            ),
            from_email=None,
            recipient_list=[notification.user.email],
        )
    except OSError:
        notifications.release_email(notification_id)
        raise
    return True


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_task(invitation_id: int) -> None:
    from django.urls import reverse

    invitation = Invitation.objects.select_related("entity", "invited_by").get(pk=invitation_id)
    link = _absolute(reverse("company:accept_invitation", args=[invitation.token]))
    send_mail(
        subject=f"邀请您加入 {invitation.entity.name} / You are invited to {invitation.entity.name}",
        message=(
            f"{invitation.invited_by} 邀请您作为经办人加入 {invitation.entity.name}：\n{link}\n\n"
            f"{invitation.invited_by} invites you to act for {invitation.entity.name}:\n{link}"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else ""
