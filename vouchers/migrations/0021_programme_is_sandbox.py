"""Programmes flagged as a provider's sandbox, and the database's own check that a
voucher is a sandbox voucher (of a sandbox provider) exactly when its programme is a
sandbox programme: whatever path writes a voucher, real money and the sandbox never
share one. The trigger compares the two rows' flags (a check constraint cannot look at
another table)."""

from django.db import migrations, models

MESSAGE = "a voucher is a sandbox voucher exactly when its programme and provider are sandboxes"
MISMATCH = (
    "(SELECT is_sandbox FROM vouchers_programme WHERE id = NEW.programme_id) "
    "<> ((SELECT sandbox_of_id FROM accounts_provider WHERE id = NEW.provider_id) IS NOT NULL)"
)
PG = [
    f"""CREATE OR REPLACE FUNCTION voucher_sandbox_matches() RETURNS trigger AS $$
BEGIN
    IF {MISMATCH} THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql""",
    "CREATE OR REPLACE TRIGGER vouchers_voucher_sandbox_matches "
    "BEFORE INSERT OR UPDATE OF programme_id, provider_id ON vouchers_voucher "
    "FOR EACH ROW EXECUTE FUNCTION voucher_sandbox_matches()",
]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS vouchers_voucher_sandbox_matches ON vouchers_voucher",
    "DROP FUNCTION IF EXISTS voucher_sandbox_matches()",
]
SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS vouchers_voucher_sandbox_{name} BEFORE {event} "
    f"ON vouchers_voucher WHEN {MISMATCH} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for name, event in (("insert", "INSERT"), ("update", "UPDATE OF programme_id, provider_id"))
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS vouchers_voucher_sandbox_{name}" for name in ("insert", "update")
]


def create(apps, schema_editor):
    statements = PG if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    statements = PG_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_provider_sandbox_of"),
        ("vouchers", "0020_receivable_accounts_and_recovery_entries"),
    ]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="is_sandbox",
            field=models.BooleanField(default=False, editable=False, verbose_name="沙箱 / sandbox"),
        ),
        migrations.RunPython(create, drop),
    ]
