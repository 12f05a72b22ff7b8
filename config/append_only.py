"""Models whose rows are history: added, never changed or removed. The ORM refuses here;
the database's triggers (see the append-only migrations) refuse any other path."""

from django.db import migrations, models


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of an append-only table can be added, never changed or removed via the ORM."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are append-only")


# The database's own refusal, for any path that is not the ORM (raw SQL, a shell, another
# program). On PostgreSQL the application connects as a role that owns no table, so it
# cannot drop or disable these triggers (README: production notes).
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _pg_statements(table: str) -> list[str]:
    return [
        f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()",
        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change()",
    ]


def _sqlite_statements(table: str, unique_keys: list[list[str]]) -> list[str]:
    refuse = f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    statements = [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} {refuse}"
        for verb in ("UPDATE", "DELETE")
    ]
    # REPLACE deletes the row holding a key without firing DELETE triggers unless the
    # connection turned recursive_triggers on (ours do, settings); this covers the others:
    # an INSERT that meets a row with one of the table's unique keys is refused.
    clashes = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE "
        + " AND ".join(f'"{column}" = NEW."{column}"' for column in key)
        + ")"
        for key in unique_keys
    )
    statements.append(
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN {clashes} {refuse}"
    )
    return statements


def _sqlite_unique_keys(schema_editor, table: str) -> list[list[str]]:
    """The table's primary key and the columns of each full unique index."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({table})")
        keys = [[row[1] for row in cursor.fetchall() if row[5]]]
        cursor.execute(f"PRAGMA index_list({table})")
        unique = [row[1] for row in cursor.fetchall() if row[2] and not row[4]]
        for index in unique:
            cursor.execute(f'PRAGMA index_info("{index}")')
            keys.append([row[2] for row in cursor.fetchall()])
    return [key for key in keys if key]


def protect(*tables: str) -> migrations.RunPython:
    """A migration operation: refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL, and an
    INSERT that would REPLACE a row on SQLite) of `tables` in the database. On SQLite, a
    migration that alters such a table rebuilds it and loses its triggers: run this again
    after it."""

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            # params=None: the function body's "%" is PL/pgSQL's, not a placeholder.
            schema_editor.execute(PG_FUNCTION, params=None)
        for table in tables:
            if vendor == "postgresql":
                statements = _pg_statements(table)
            else:
                statements = _sqlite_statements(table, _sqlite_unique_keys(schema_editor, table))
            for statement in statements:
                schema_editor.execute(statement, params=None)

    def backwards(apps, schema_editor):
        names = ("append_only", "no_truncate", "no_update", "no_delete", "no_replace")
        for table in tables:
            for name in names:
                on = f" ON {table}" if schema_editor.connection.vendor == "postgresql" else ""
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{name}{on}")

    return migrations.RunPython(forwards, backwards)
