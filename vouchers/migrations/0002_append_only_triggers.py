"""On PostgreSQL, refuse UPDATE and DELETE of ledger entries and audit events in the
database itself, so not even raw SQL can rewrite history.

SQLite gets only the ORM guard (AppendOnlyModel): Django's test teardown empties tables
with DELETE there, which a trigger would block; TRUNCATE on PostgreSQL is unaffected.
"""

from django.db import migrations

TABLES = ("vouchers_ledgerentry", "vouchers_auditevent")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the function body's "%" is PL/pgSQL's, not a query placeholder.
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS refuse_append_only_change();")


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
