"""Audit events are history: the database refuses UPDATE and DELETE on SQLite as on
PostgreSQL, and TRUNCATE on PostgreSQL. The trigger vouchers 0002 put on the table
(PostgreSQL only) under its old name gives way to these."""

from django.db import migrations

from config.append_only import protect

OLD_TRIGGER = "vouchers_auditevent_append_only"


def drop_old_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {OLD_TRIGGER} ON audit_event")


def restore_old_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {OLD_TRIGGER} BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_rename_object_index"),
        ("vouchers", "0007_append_only_triggers_on_both_backends"),
    ]

    operations = [
        migrations.RunPython(drop_old_trigger, restore_old_trigger),
        protect("audit_event"),
    ]
