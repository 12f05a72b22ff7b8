"""Usage record keys: the table that decides "a record counts at most once" (UsageKey),
filled from the records already stored; the usage table's own unique key becomes a
plain index, and the rows pointing at a record lose their database foreign key, so that
the usage table can be partitioned by month (0012)."""

import django.db.models.deletion
from django.db import migrations, models


FILL_KEYS = """
INSERT INTO billing_usagekey (provider_id, record_id, content_hash)
SELECT provider_id, record_id, content_hash FROM billing_usagerecord ORDER BY id
"""


def fill_keys(apps, schema_editor):
    schema_editor.execute(FILL_KEYS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_provider_sandbox_of"),
        ("billing", "0010_sku_price_bands"),
        ("vouchers", "0021_programme_is_sandbox"),
    ]

    operations = [
        migrations.CreateModel(
            name="UsageKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "provider",
                        "record_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.provider",
                    ),
                ),
                ("record_id", models.CharField(max_length=128)),
                ("content_hash", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "用量记录键 / usage record key",
                "verbose_name_plural": "用量记录键 / usage record key",
            },
        ),
        migrations.RemoveConstraint(
            model_name="usagerecord",
            name="usage_record_once",
        ),
        migrations.AlterField(
            model_name="reconciliationexception",
            name="record",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="exception_case",
                to="billing.usagerecord",
            ),
        ),
        migrations.AlterField(
            model_name="settlementline",
            name="record",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="settlement_line",
                to="billing.usagerecord",
            ),
        ),
        migrations.AddIndex(
            model_name="usagerecord",
            index=models.Index(fields=["provider", "record_id"], name="usage_record_lookup"),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
