from django.db import models

from accounts.models import Provider


class SkuPriceBucket(models.Model):
    """How many of a provider's records of one SKU and service month had a unit price in
    one narrow band: band b holds the prices p with 1.01**b <= p < 1.01**(b + 1).

    The usual price (SkuPrice) is read from these counts, so a reconcile run never
    sorts the usage table: each run adds its own records' bands (billing/reconcile.py).
    A band is 1% wide, so the median read from them (at the middle of its band) lies
    within 0.5% of the exact lower median.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(max_length=128)
    month = models.DateField()  # the first day of the records' service month
    band = models.IntegerField()
    samples = models.PositiveIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "单价分布 / unit price bands"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "sku", "month", "band"], name="sku_price_band_once"
            ),
        ]

    def __str__(self):
        return f"{self.provider_id}:{self.sku} {self.month:%Y-%m} band {self.band}: {self.samples}"
