"""The audit trail's model, moved here from `vouchers` (vouchers 0004 renamed its table
to audit_event): state only, the table and its rows already exist."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("vouchers", "0006_move_auditevent_to_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("action", models.CharField(max_length=60)),
                        ("object_type", models.CharField(max_length=40)),
                        ("object_id", models.CharField(max_length=40)),
                        ("before", models.JSONField(blank=True, default=dict)),
                        ("after", models.JSONField(blank=True, default=dict)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "programme",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="vouchers.programme",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "审计日志 / audit event",
                        "verbose_name_plural": "审计日志 / audit event",
                        "db_table": "audit_event",
                        "ordering": ["-pk"],
                        "base_manager_name": "objects",
                        "indexes": [
                            models.Index(
                                fields=["object_type", "object_id"],
                                name="vouchers_au_object__945445_idx",
                            )
                        ],
                    },
                ),
            ],
        )
    ]
