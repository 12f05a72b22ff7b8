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


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_sign_up_link_task(email: str, token: str, next_url: str = "") -> None:
    from urllib.parse import urlencode

    from django.urls import reverse

    path = reverse("company:confirm_sign_up", args=[token])
    link = _absolute(f"{path}?{urlencode({'next': next_url})}" if next_url else path)
    send_mail(
        subject="完成注册 / Finish signing up",
        message=(
            f"请打开以下链接完成注册（3 天内有效）：\n{link}\n如果不是您本人注册，请忽略此邮件。\n\n"
            f"Open this link to finish signing up (valid for 3 days):\n{link}\n"
            "If you did not sign up, ignore this e-mail."
        ),
        from_email=None,
        recipient_list=[email],
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_sign_up_note_task(email: str) -> None:
    """The address is registered already: its owner hears of the attempt (the page said
    the same as for a new address)."""
    from django.urls import reverse

    login, reset = _absolute(reverse("login")), _absolute(reverse("password_reset"))
    send_mail(
        subject="有人尝试用您的邮箱注册 / Someone tried to sign up with your e-mail",
        message=(
            f"有人尝试用此邮箱在本平台注册，而该邮箱已有账户。如果是您本人，请直接登录：{login}\n"
            f"忘记密码可在此重设：{reset}\n如果不是您，请忽略此邮件，您的账户没有变化。\n\n"
            "Someone tried to sign up on the platform with this e-mail, which already has an "
            f"account. If it was you, log in: {login}\nForgot the password? Reset it: {reset}\n"
            "If it was not you, ignore this e-mail: nothing changed in your account."
        ),
        from_email=None,
        recipient_list=[email],
    )


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else ""
