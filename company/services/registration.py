"""Signing up and registering an entity; its first staff member becomes its admin."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import Entity, Membership
from accounts.services import register_entity
from accounts.validators import normalise_credit_code
from audit import actions
from audit import services as audit
from company.models import CompanyAccount
from config.errors import DomainError, clean_text

User = get_user_model()


# A sign-up waits for its link to be followed this long, in the cache (shared through
# Redis in production); nothing is written to the database before.
SIGN_UP_SECONDS = 3 * 24 * 3600


def _pending(token: str) -> str:
    return f"sign-up:{token}"


def sign_up(*, email: str, password: str, display_name: str = "", next_url: str = "") -> str:
    """Start a sign-up; returns the address written to, the same answer whether it is
    registered or not, so the page reveals no one's address: the mailbox learns which.
    A new address gets a link that creates the account (`confirm_sign_up`); a registered
    one gets a note that someone tried to sign up with it. The form has run the password
    validators."""
    clean_text(display_name, field="display_name")
    email = User.objects.normalize_email(email).strip().lower()
    # Hashed on both paths, so the time taken does not tell them apart either.
    password_hash = make_password(password)
    if _registered(email):
        transaction.on_commit(lambda: _send_sign_up_note(email))
        return email
    token = secrets.token_urlsafe(32)
    pending = {"email": email, "display_name": display_name, "password": password_hash}
    cache.set(_pending(token), pending, SIGN_UP_SECONDS)
    transaction.on_commit(lambda: _send_sign_up_link(email, token, next_url))
    return email


def _registered(email: str) -> bool:
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def _send_sign_up_note(email: str) -> None:
    from company.tasks import send_sign_up_note_task

    send_sign_up_note_task.delay(email)


def _send_sign_up_link(email: str, token: str, next_url: str) -> None:
    from company.tasks import send_sign_up_link_task

    send_sign_up_link_task.delay(email, token, next_url)


def confirm_sign_up(*, token: str) -> User:
    """Create the account a sign-up link stands for; the link works once."""
    pending = cache.get(_pending(token)) if token else None
    if pending is None:
        raise DomainError(
            "token", "注册链接无效、已使用或已过期，请重新注册或直接登录",
            "this sign-up link is not valid, used or expired: sign up again or log in",
            code="sign_up_link",
        )  # fmt: skip
    cache.delete(_pending(token))
    email = pending["email"]
    if _registered(email):  # signed up twice, and the other link was followed first
        raise _account_exists()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=email, email=email, display_name=pending["display_name"]
            )
            user.password = pending["password"]
            user.save(update_fields=["password"])
            audit.record(actor=user, action=actions.USER_SIGN_UP, obj=user, after={"email": email})
    except IntegrityError as exc:  # the two links followed at once: the unique username
        raise _account_exists() from exc
    return user


def _account_exists() -> DomainError:
    return DomainError(
        "token", "该邮箱的账户已创建，请直接登录", "the account exists already: log in",
        code="sign_up_link",
    )  # fmt: skip


def mask_email(email: str) -> str:
    """li***@example.com: enough to recognise a colleague, not enough to harvest."""
    local, _, domain = (email or "").partition("@")
    if not domain:
        return "***"
    return f"{local[:2]}***@{domain}"


def mask_name(name: str) -> str:
    """王经理 -> 王**: who it is for a colleague, not a name to collect."""
    return f"{name[0]}{'*' * max(len(name) - 1, 1)}" if name else "***"


def whom_to_ask(credit_code: str) -> str | None:
    """Who administers the entity already registered with this credit code, masked;
    None if it is not registered yet."""
    entity = Entity.objects.filter(credit_code=normalise_credit_code(credit_code)).first()
    if entity is None:
        return None
    account = CompanyAccount.objects.filter(entity=entity).select_related("admin").first()
    if account is None:
        return "***"
    admin = account.admin
    return f"{mask_name(admin.display_name)} ({mask_email(admin.email)})"


def already_registered(credit_code: str, contact: str) -> DomainError:
    return DomainError(
        "credit_code",
        f"该单位已注册，请联系其管理员 {contact} 邀请您加入",
        f"this entity is already registered: ask its administrator {contact} to invite you",
        code="already_registered",
    )


def register_company(*, user, region_code: str, **fields) -> Entity:
    """Register the entity (accounts.services validates it), make `user` its staff
    and its portal admin. An entity registered before is refused, naming whom to ask."""
    code = normalise_credit_code(fields.get("credit_code", ""))
    if (contact := whom_to_ask(code)) is not None:
        raise already_registered(code, contact)
    try:
        with transaction.atomic():
            # Self-registered: provisional until an officer checks the licence.
            entity = register_entity(
                by=user, verification=Entity.Verification.PROVISIONAL, **fields
            )
            Membership.objects.create(user=user, role=Membership.Role.ENTITY_STAFF, entity=entity)
            account = CompanyAccount(entity=entity, admin=user, region_code=region_code)
            account.full_clean()
            account.save()
    except IntegrityError as exc:
        # Someone registered the same code between our check and our insert.
        raise already_registered(code, whom_to_ask(code) or "***") from exc
    return entity


def is_admin(user, entity) -> bool:
    return CompanyAccount.objects.filter(entity=entity, admin=user).exists()
