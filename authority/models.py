"""What the government portal keeps of its own: the warnings an application raised and
who saw them.

A warning needs a human eye, not a refusal: it is recomputed when the application is
submitted and each time a reviewer opens it (authority/warnings.py), one row per kind.
A reviewer ticks it as seen (audited); an approval with an unseen warning is refused.
A seen warning stays seen even if its evidence changes later; one that no longer
applies and was never seen is dropped."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationWarning(models.Model):
    class Kind(models.TextChoices):
        RELATED_PARTY = "related_party", _("Related party")
        DOUBLE_SUBSIDY = "double_subsidy", _("Double subsidy")
        REVENUE_JUMP = "revenue_jump", _("Revenue jump")

    application = models.ForeignKey(
        "vouchers.Application", on_delete=models.CASCADE, related_name="warnings"
    )
    kind = models.CharField("类型 / kind", max_length=24, choices=Kind.choices)
    # [{"zh": ..., "en": ...}]: personal data in it is masked.
    evidence = models.JSONField("证据 / evidence", default=list)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报预警 / application warning"
        ordering = ["application", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_warning_per_kind"),
            models.CheckConstraint(
                condition=models.Q(seen_by__isnull=True, seen_at__isnull=True)
                | models.Q(seen_by__isnull=False, seen_at__isnull=False),
                name="warning_seen_by_someone_at_a_time",
            ),
        ]

    def __str__(self):
        return f"{self.application_id} · {self.kind}"


class ProgrammeInvitation(models.Model):
    """A programme manager invited an entity to apply (政策找企业): its latest declaration
    passed the programme's rules in the policy simulator and it had not applied. Once
    per entity and programme (a unique key, so a second invitation is refused by the
    database, not by a check that two managers could both pass)."""

    programme = models.ForeignKey(
        "vouchers.Programme", on_delete=models.PROTECT, related_name="invitations"
    )
    entity = models.ForeignKey(
        "accounts.Entity", on_delete=models.PROTECT, related_name="programme_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目邀请 / programme invitation"
        ordering = ["programme", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "entity"], name="one_invitation_per_entity_and_programme"
            ),
        ]

    def __str__(self):
        return f"{self.programme_id} · {self.entity_id}"
