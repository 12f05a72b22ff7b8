from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Provider
from vouchers.models import Voucher
from vouchers.models.fields import MoneyField


class UsageFile(models.Model):
    """A CSV of usage records, stored outside the web root and processed in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="usage_files")
    # Relative to settings.USAGE_FILE_ROOT, which is not served.
    path = models.CharField(max_length=300)
    original_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    # [{"row", "field", "code", "message"}], the first MAX_ERRORS of them.
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Refreshed by the running job after every chunk: a "running" file whose heartbeat
    # is stale has lost its worker, and the sweeper (billing.tasks) queues it again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用量文件 / usage file"
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.provider} #{self.pk} {self.status}"


class UsageKey(models.Model):
    """A record's key, kept for good: a provider's record counts at most once.

    Ingest inserts the key first (`ON CONFLICT DO NOTHING`) and stores the record only when
    the key is new, so this table's unique constraint decides accepted / duplicate /
    conflict (the hash tells the last two apart) in every month at once. The usage table
    cannot: on PostgreSQL it is partitioned by the month it arrived, and a record's month
    partition may be detached after the retention period; its key stays here, narrow.
    """

    # The key is the primary key: one index to write per record, no surrogate id.
    pk = models.CompositePrimaryKey("provider", "record_id")
    # No index of its own: the primary key leads with it.
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    record_id = models.CharField(max_length=128)
    content_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "用量记录键 / usage record key"

    def __str__(self):
        return f"{self.provider_id}:{self.record_id}"


class UsageRecord(models.Model):
    """One line of a provider's bill: billed amount before subsidy, for a service period.

    On PostgreSQL the table is range-partitioned by month of `received_at` (billing/partitions.py):
    its primary key there is (id, received_at), and ids stay unique because one identity
    sequence gives them. Rows pointing at a record (exception case, statement line,
    finding) have no database foreign key, so an old month can be detached."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        REDEEMED = "redeemed", _("Redeemed")
        EXCEPTION = "exception", _("Exception")
        REJECTED = "rejected", _("Rejected")

    # Foreign keys without indexes of their own: the composite indexes below lead with
    # them, and every index is written again when reconciliation updates a record.
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="usage_records", db_index=False
    )
    record_id = models.CharField(max_length=128)
    contract_number = models.CharField(max_length=128)
    # vouchers.contract_numbers.number_key of contract_number: what matching compares.
    contract_key = models.CharField(max_length=128)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    # The service period's first and last day in Asia/Shanghai, set at ingest, so that
    # reconciliation compares dates with the contract's and voucher's in plain SQL.
    start_date = models.DateField()
    end_date = models.DateField()
    sku = models.CharField(max_length=128, blank=True)
    description = models.CharField(max_length=500, blank=True)
    quantity = models.DecimalField(max_digits=24, decimal_places=6, default=0)
    unit = models.CharField(max_length=32, blank=True)
    # Billed, in fen: the amount sent, rounded towards zero to the fen when it had more
    # places (FOCUS sends up to six), so rate x amount never exceeds rate x what was sent.
    amount = MoneyField()
    # The amount exactly as sent (up to six places), for the trace back to the bill.
    billed_cost = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    # A FOCUS correction (ChargeClass=Correction naming what it `corrects`): `amount` is
    # the change to what was billed, possibly negative, not the corrected total.
    delta = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, default="CNY")
    corrects = models.CharField(max_length=128, blank=True)
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Its contract is its voucher's (Voucher.contract, one to one): no column of its own,
    # which every reconcile would write and check against the contracts again.
    voucher = models.ForeignKey(
        Voucher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="usage_records",
        db_index=False,
    )
    # Set when redeemed; a correction's may be negative (it takes subsidy back).
    subsidy = MoneyField(null=True, blank=True)
    # A redeemed correction's change to what was billed: its amount less what the original
    # and its earlier corrections billed. Its statement line shows this as billed.
    billed_change = MoneyField(null=True, blank=True)
    # The reason code while it is (or was) an exception; null means none, as the API says.
    exception = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    # The reconcile run that redeemed it; its ledger entry has reference "reconcile:<run>".
    reconcile_run = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField()
    reconciled_at = models.DateTimeField(null=True, blank=True)
    usage_file = models.ForeignKey(
        UsageFile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
        db_index=False,
    )

    class Meta:
        verbose_name = verbose_name_plural = "用量记录 / usage record"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) | Q(delta=True, corrects__gt=""),
                name="usage_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="usage_period_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(corrects="") | Q(subsidy__isnull=True) | Q(subsidy__gte=0),
                name="usage_original_subsidy_not_negative",
            ),
        ]
        indexes = [
            # Not unique: on PostgreSQL the table is partitioned by month (billing/partitions.py)
            # and a unique index there could only be unique within a month. UsageKey is.
            models.Index(fields=["provider", "record_id"], name="usage_record_lookup"),
            models.Index(fields=["provider", "contract_key"], name="usage_contract_key"),
            # What reconciliation looks for: a contract's records still pending.
            models.Index(
                fields=["provider", "contract_key"],
                condition=Q(status="pending"),
                name="usage_pending_contract",
            ),
            models.Index(fields=["voucher", "status"], name="usage_voucher_status"),
            # Corrections waiting for their original (billing/corrections.py looks for
            # them in every chunk): a few rows, where a scan would read every month.
            models.Index(
                fields=["provider", "corrects"],
                condition=Q(status="exception", exception="unknown_original"),
                name="usage_stranded_correction",
            ),
        ]

    def __str__(self):
        return f"{self.provider_id}:{self.record_id}"


class SkuPrice(models.Model):
    """A provider's usual unit price for a SKU (the median of its records), refreshed by
    each reconcile run: a record far above it is flagged for a reviewer."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(max_length=128)
    median_unit_price = models.DecimalField(max_digits=30, decimal_places=8)
    samples = models.PositiveIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "常用单价 / usual unit price"
        constraints = [
            models.UniqueConstraint(fields=["provider", "sku"], name="sku_price_once"),
        ]

    def __str__(self):
        return f"{self.provider_id}:{self.sku} ~{self.median_unit_price}"
