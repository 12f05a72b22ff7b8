import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Entity
from accounts.validators import validate_region_code


class CompanyAccount(models.Model):
    entity = models.OneToOneField(Entity, on_delete=models.CASCADE, related_name="company_account")
    admin = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(
        "注册地 / registered region", max_length=6, validators=[validate_region_code]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报端账户 / company account"

    def __str__(self):
        return f"{self.entity} · {self.admin}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("电子邮箱 / e-mail")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "邀请 / invitation"
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="invitation_accepted_with_user",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.entity}"
