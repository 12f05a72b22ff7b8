"""PostgreSQL: billing_usagerecord becomes a table partitioned by month of received_at
(billing/partitions.py); SQLite keeps one table, and Django's model is the same on both.

Django has no partitioned tables of its own, so the table is rebuilt: a partitioned
table like it (columns, defaults, check constraints, the identity of `id`) with a
default partition, the rows copied in, the old table dropped and the new one renamed;
then the primary key (id, received_at), since a partitioned table's unique keys must
hold the partition key (`id` stays unique: one identity sequence gives it), the old
table's indexes and foreign keys by their names, and the months from the oldest record's
to a quarter ahead, each given its rows out of the default partition. Reversed, the same
steps build a plain table again.
"""

from django.db import migrations

from billing import partitions

TABLE, NEW = partitions.TABLE, f"{partitions.TABLE}_new"


def _definitions(schema_editor) -> tuple[list[str], list[tuple[str, str]]]:
    """The table's indexes (but its primary key) and foreign keys, as SQL to make them again."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
            [TABLE, f"{TABLE}_pkey"],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(%s) AND contype = 'f'",
            [TABLE],
        )
        foreign = cursor.fetchall()
    return indexes, foreign


def _rebuild(schema_editor, *, partitioned: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    indexes, foreign = _definitions(schema_editor)
    run = schema_editor.execute
    like = f"LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY"
    if partitioned:
        run(f"CREATE TABLE {NEW} ({like}) PARTITION BY RANGE (received_at)")
        run(
            f"CREATE TABLE {partitions.DEFAULT} PARTITION OF {NEW} DEFAULT WITH ({partitions.STORAGE})"
        )
    else:
        run(f"CREATE TABLE {NEW} ({like}) WITH ({partitions.STORAGE})")
    run(f"INSERT INTO {NEW} SELECT * FROM {TABLE}")
    run(
        f"SELECT setval(pg_get_serial_sequence('{NEW}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {NEW}"
    )
    run(f"DROP TABLE {TABLE}")
    run(f"ALTER TABLE {NEW} RENAME TO {TABLE}")
    run(f"ALTER SEQUENCE {NEW}_id_seq RENAME TO {TABLE}_id_seq")
    key = "id, received_at" if partitioned else "id"
    run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({key})")
    for index in indexes:
        run(index)
    for name, definition in foreign:
        run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    if partitioned:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT MIN(received_at) FROM {TABLE}")
            oldest = cursor.fetchone()[0]
        since = oldest.astimezone(partitions.SHANGHAI).date() if oldest else None
        partitions.ensure_partitions(since=since)


def partition(apps, schema_editor):
    _rebuild(schema_editor, partitioned=True)


def unpartition(apps, schema_editor):
    _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0011_usage_keys"),
        # The finding's foreign key to the record is gone (no key may point into a partitioned table).
        ("recovery", "0002_record_without_db_constraint"),
    ]

    operations = [migrations.RunPython(partition, unpartition)]
