"""Signing up and registering an entity; its first staff member becomes its admin."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from accounts.models import Entity, Membership
from accounts.services import register_entity
from accounts.validators import normalise_credit_code
from audit import services as audit
from company.models import CompanyAccount
from config.errors import DomainError, clean_text

User = get_user_model()


def sign_up(*, email: str, password: str, display_name: str = "") -> User:
    """A user who logs in with their e-mail. The form has run the password validators."""
    clean_text(display_name, field="display_name")
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(username__iexact=email).exists():
        raise DomainError("email", "该邮箱已注册", "this e-mail is already registered")
    user = User.objects.create_user(
        username=email, email=email, password=password, display_name=display_name
    )
    audit.record(actor=user, action="user.sign_up", obj=user, after={"email": email})
    return user


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
            entity = register_entity(by=user, **fields)
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
