"""A payee's bank details: set or changed by its admin after re-entering the password
(the page's `recent_login_required`), audited with the number masked (never in clear),
and announced to the organisation's admins: an entity's portal admin in the company
inbox (and by e-mail), a provider's staff by e-mail (the provider portal has no inbox)."""

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from accounts.models import Entity, Membership, Provider
from accounts.permissions import require
from accounts.personal import mask, normalise_digits
from audit import actions
from audit import services as audit
from config.errors import DomainError, clean_text
from payments.models import BankDetails

ACCOUNT_DIGITS = (8, 30)


def change_bank_details(
    *, payee: Entity | Provider, account_name: str, bank_name: str, account_number: str, by
) -> BankDetails:
    require(by, "payments.change_bank_details", payee)
    fields = {
        "account_name": _required(account_name, field="account_name", most=100),
        "bank_name": _required(bank_name, field="bank_name", most=100),
        "account_number": _account_number(account_number),
    }
    owner = {"entity": payee} if isinstance(payee, Entity) else {"provider": payee}
    with transaction.atomic():
        # The row lock: two admins saving at once leave two audited changes, in order.
        details = BankDetails.objects.select_for_update().filter(**owner).first()
        before = _shown(details)
        details = details or BankDetails(**owner)
        for name, value in fields.items():
            setattr(details, name, value)
        details.updated_by = by
        details.save()
        event = audit.record(
            actor=by, action=actions.BANK_DETAILS_CHANGE, obj=details, before=before,
            after=_shown(details),
        )  # fmt: skip
        _announce(payee, details, event)
    return details


def _shown(details: BankDetails | None) -> dict:
    """What the audit trail keeps: the number masked, never in clear."""
    if details is None:
        return {}
    return {
        "account_name": details.account_name,
        "bank_name": details.bank_name,
        "account_number": mask(details.account_number),
    }


def _required(value, *, field: str, most: int) -> str:
    value = clean_text((value or "").strip(), field=field)
    if not value:
        raise DomainError(field, "必填", "required", code="required")
    if len(value) > most:
        raise DomainError(
            field, f"不得超过 {most} 个字符", f"at most {most} characters", code="too_long"
        )
    return value


def _account_number(value) -> str:
    """Digits only (spaces and dashes as people type them are dropped), 8 to 30 of them."""
    digits = normalise_digits(clean_text(value or "", field="account_number"))
    low, high = ACCOUNT_DIGITS
    if not low <= len(digits) <= high:
        raise DomainError(
            "account_number",
            f"银行账号须为 {low} 至 {high} 位数字",
            f"the account number must be {low} to {high} digits",
            code="invalid_account_number",
        )
    return digits


def _announce(payee, details: BankDetails, event) -> None:
    subject_zh = f"收款账户已变更：{details.bank_name} {details.masked_number}"
    subject_en = f"Bank details changed: {details.bank_name} {details.masked_number}"
    if isinstance(payee, Entity):
        _notify_entity_admin(payee, event, subject_zh, subject_en)
    else:
        _email_provider_staff(payee, f"{subject_zh} / {subject_en}")


def _notify_entity_admin(entity: Entity, event, subject_zh: str, subject_en: str) -> None:
    from company.models import CompanyAccount, Notification
    from company.tasks import email_notification_task

    admin_id = (
        CompanyAccount.objects.filter(entity=entity).values_list("admin_id", flat=True).first()
    )
    if admin_id is None:
        return
    notification = Notification.objects.create(
        user_id=admin_id, entity=entity, event=event, subject_zh=subject_zh,
        subject_en=subject_en, link=reverse("company:bank_details"),
    )  # fmt: skip
    transaction.on_commit(lambda: email_notification_task.delay(notification.pk))


def _email_provider_staff(provider: Provider, subject: str) -> None:
    emails = list(
        Membership.objects.filter(provider=provider, role=Membership.Role.PROVIDER_STAFF)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if emails:
        transaction.on_commit(
            lambda: send_mail(
                subject=subject, message=subject, from_email=None, recipient_list=emails
            )
        )
