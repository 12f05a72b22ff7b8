"""The dishonesty (失信) list as the credit authority publishes it: each import is a
dated version, whole or not at all; the `no_dishonesty` rule reads the latest one."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class DishonestyList(models.Model):
    """One imported version of the list. The latest replaces the earlier ones as the
    rule's source; the earlier stay, so an old evaluation can still be explained."""

    imported_at = models.DateTimeField("导入时间 / imported at", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source_name = models.CharField("文件名 / file name", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "失信名单版本 / dishonesty list version"
        ordering = ["-imported_at", "-pk"]
        get_latest_by = ["imported_at", "pk"]

    def __str__(self):
        return f"{self.source_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class DishonestyListing(models.Model):
    """A credit code listed from one day to another (both inclusive)."""

    version = models.ForeignKey(DishonestyList, on_delete=models.CASCADE, related_name="listings")
    credit_code = models.CharField("统一社会信用代码 / credit code", max_length=18)
    starts_on = models.DateField("列入日期 / listed from")
    ends_on = models.DateField("移出日期 / listed until")

    class Meta:
        verbose_name = verbose_name_plural = "失信记录 / dishonesty listing"
        indexes = [models.Index(fields=["version", "credit_code"], name="dishonesty_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="dishonesty_period_ordered"
            )
        ]

    def __str__(self):
        return f"{self.credit_code} {self.starts_on} - {self.ends_on}"
