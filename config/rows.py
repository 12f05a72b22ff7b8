"""Rows read and written with plain SQL instead of the ORM's query compiler.

Why: an approval sends seven statements, and Django spends ~0.3 ms of CPU building and
compiling each one. On the 2-core machine of docs/benchmarks.md that Python time, not
PostgreSQL or its locks, held approvals to ~130/s with 16 reviewers. Here the statement
text is built once per model and shape (from `_meta`) and reused, and values still go
through each field's own `get_db_prep_save` and the backend's converters, the very
adapters the ORM uses, so dates, money and JSON are stored and read exactly as the ORM
stores and reads them, on SQLite and PostgreSQL alike. No library does this without
bringing its own model layer; the ledger, cap, audit and voucher writes and the reads on
the approval path use it (and the permission checks' membership read), everything else
keeps the ORM.

The SQL is portable: RETURNING needs SQLite 3.35+ (Django 5.2 accepts 3.31; Debian 12
ships 3.40). Objects written here skip `save()` and its signals
(none of these models has a signal receiver) and the append-only models' ORM guard: use
`update` only on models that may change (PostgreSQL's trigger refuses the others anyway).
"""

from collections.abc import Callable
from functools import cache

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Model


def _db():
    # The connection itself, looked up once per call: every attribute read through the
    # `django.db.connection` proxy costs a thread-local lookup, and a row has many fields.
    return connections[DEFAULT_DB_ALIAS]


def _cursor(db):
    """One cursor per connection, kept: an approval sends about ten statements, and a new
    Django cursor (with psycopg's own behind it) for each costs more than the execute.
    A new one is made when the connection is new or query logging was switched (as
    `django_assert_num_queries` does), so every statement is still logged when asked."""
    kept = getattr(db, "_rows_cursor", None)
    if kept is None or kept[0] is not db.connection or kept[1] != db.queries_logged:
        cursor = db.cursor()
        db._rows_cursor = kept = (db.connection, db.queries_logged, cursor)
    return kept[2]


def _quote(name: str) -> str:
    return _db().ops.quote_name(name)


def execute(sql: str, params: list) -> int:
    """Run one statement; the number of rows it changed."""
    cursor = _cursor(_db())
    cursor.execute(sql, params)
    return cursor.rowcount


def commit_with(statements: list[tuple[str, list]]) -> None:
    """Run the last statements of the current transaction and COMMIT it: on PostgreSQL
    in the same round trip, when that transaction is the outermost one.

    Why: the last statements of an approval update the contended rows (the entity's cap
    row, the programme's available account), and a row lock is held until COMMIT. Sent
    on its own, the COMMIT waits until the client process gets a CPU again; with more
    reviewers than cores, that wait (not the work) is what the others queued behind. In
    one round trip the server holds those locks only for its own work and the WAL flush.
    A statement that fails (a check constraint) aborts the transaction, COMMIT included.

    Call it last inside `transaction.atomic()`: Django's commit at the end of the block
    then finds nothing left to commit. Nested in another transaction, or on SQLite (no
    round trips), the statements just run and Django commits as usual."""
    db = _db()
    if db.vendor != "postgresql" or len(db.atomic_blocks) != 1 or db.needs_rollback:
        for sql, params in statements:
            execute(sql, params)
        return
    # Several statements in one message need psycopg's client-side binding cursor.
    wrap = db.make_debug_cursor if db.queries_logged else db.make_cursor
    with wrap(psycopg.ClientCursor(db.connection)) as cursor:
        cursor.execute(
            ";\n".join([*(sql for sql, _ in statements), "COMMIT"]),
            [value for _, params in statements for value in params],
        )


@cache
def _insert_sql(model: type[Model]) -> tuple[str, tuple, str]:
    """`INSERT INTO table (columns) VALUES `, the fields (each with its plain type, see
    `_values`), and one row's placeholders."""
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    columns = ", ".join(_quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    prepared = tuple((f, _plain_type(f)) for f in fields)
    return f"INSERT INTO {_quote(model._meta.db_table)} ({columns}) VALUES ", prepared, row


def _plain_type(field) -> type | None:
    """The type whose values this field's `pre_save` and `get_db_prep_save` hand back
    unchanged on every backend: str for text, int for integers and foreign keys to them;
    None for the rest (money, dates, JSON, flags)."""
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.CharField | models.TextField):
        return str
    if isinstance(target, models.IntegerField):
        return int
    return None


def _values(db, obj: Model, fields: tuple) -> list:
    # The field adapters cost more than the rest of an insert: skip them where they would
    # change nothing (None, or a plain str or int; an enum member still goes through).
    values = []
    for field, plain in fields:
        if plain is not None:
            value = getattr(obj, field.attname)
            if value is None or type(value) is plain:
                values.append(value)
                continue
        values.append(field.get_db_prep_save(field.pre_save(obj, True), db))
    return values


def insert(obj: Model) -> Model:
    """INSERT an unsaved instance and give it its primary key, as `save()` would."""
    db = _db()
    sql, fields, row = _insert_sql(type(obj))
    returning = f" RETURNING {_quote(obj._meta.pk.column)}"
    cursor = _cursor(db)
    cursor.execute(sql + row + returning, _values(db, obj, fields))
    obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, db.alias
    return obj


def inserting_all(objs: list[Model]) -> tuple[str, list]:
    """The statement that INSERTs unsaved instances of one model, for `execute` or
    `commit_with`. Their primary keys stay unset (the order of RETURNING rows is not
    guaranteed on every backend)."""
    db = _db()
    sql, fields, row = _insert_sql(type(objs[0]))
    params = [value for obj in objs for value in _values(db, obj, fields)]
    return sql + ", ".join([row] * len(objs)), params


def insert_all(objs: list[Model]) -> None:
    """INSERT unsaved instances of one model in one statement (see `inserting_all`)."""
    if objs:
        execute(*inserting_all(objs))


def _shape(where: dict) -> tuple:
    """What the statement text depends on: the names tested and which are tested for NULL
    (keys are field names or attnames, "entity" or "entity_id")."""
    return tuple((name, value is None) for name, value in where.items())


def _tests(meta, shape: tuple) -> tuple[list, str]:
    """The fields tested and the SQL that tests them, ANDed."""
    fields = [meta.pk if name == "pk" else meta.get_field(name) for name, _ in shape]
    tests = [
        f"{_quote(f.column)} IS NULL" if null else f"{_quote(f.column)} = %s"
        for f, (_, null) in zip(fields, shape, strict=True)
    ]
    return fields, " AND ".join(tests)


def _conditions(db, fields: list, where: dict) -> list:
    return [
        f.get_db_prep_value(value, db)
        for f, value in zip(fields, where.values(), strict=True)
        if value is not None
    ]


@cache
def _update_sql(model: type[Model], names: tuple, shape: tuple) -> tuple[str, list, list]:
    """`UPDATE table SET ... WHERE ...`, the fields set, the fields tested."""
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    conditions, tests = _tests(meta, shape)
    sets = ", ".join(f"{_quote(f.column)} = %s" for f in fields)
    return f"UPDATE {_quote(meta.db_table)} SET {sets} WHERE {tests}", fields, conditions


def update(obj: Model, names: tuple, *, unless_changed: dict) -> int:
    """UPDATE the fields `names` of `obj`'s row, but only if the row still holds the
    values in `unless_changed` (an optimistic check: someone else's change in between
    makes it update nothing). Returns the number of rows updated, 0 or 1."""
    db, where = _db(), {"pk": obj.pk, **unless_changed}
    sql, fields, conditions = _update_sql(type(obj), names, _shape(where))
    values = [f.get_db_prep_save(getattr(obj, f.attname), db) for f in fields]
    return execute(sql, [*values, *_conditions(db, conditions, where)])


def fetchone(sql: str, params: list) -> tuple | None:
    """The first row of a SELECT, as the driver gives it (see `columns` to load it)."""
    cursor = _cursor(_db())
    cursor.execute(sql, params)
    return cursor.fetchone()


@cache
def columns(model: type[Model], names: tuple = (), alias: str = "") -> tuple[str, int, Callable]:
    """For a hand-written SELECT: the select list of `model`'s fields `names` (all if
    none are named; the primary key always), qualified by the table alias if given, how
    many columns that is, and a function that turns those values of a row into an
    instance, or None if its primary key is NULL (no row on the side of an outer join).
    Fields not read are deferred, as with the ORM's `only()`."""
    meta = model._meta
    # In the model's own order, which Model.from_db expects when some fields are deferred.
    wanted = {meta.pk, *(meta.get_field(name) for name in names)}
    fields = [f for f in meta.concrete_fields if not names or f in wanted]
    prefix = f"{_quote(alias)}." if alias else ""
    select = ", ".join(prefix + _quote(f.column) for f in fields)
    attnames, primary_key = [f.attname for f in fields], fields.index(meta.pk)
    converters = [(column, _converters(column)) for column in map(_column_of, fields)]

    def load(values) -> Model | None:
        if values[primary_key] is None:
            return None
        db = _db()
        converted = []
        for value, (column, steps) in zip(values, converters, strict=True):
            for step in steps:
                value = step(value, column, db)
            converted.append(value)
        return model.from_db(db.alias, attnames, converted)

    return select, len(fields), load


def _column_of(field):
    return field.get_col(field.model._meta.db_table)


def _converters(column) -> list:
    # What the ORM applies to a value read from this column: on SQLite, a money column
    # comes back as a binary float and is rounded to the fen here, as the ORM does.
    db = _db()
    return db.ops.get_db_converters(column) + column.output_field.get_db_converters(db)


@cache
def _select_sql(model: type[Model], names: tuple, shape: tuple) -> tuple[str, list, Callable]:
    select, _, load = columns(model, names)
    conditions, tests = _tests(model._meta, shape)
    return f"SELECT {select} FROM {_quote(model._meta.db_table)} WHERE {tests}", conditions, load


def get(model: type[Model], *, fields: tuple = (), **where) -> Model | None:
    """The one row of `model` matching `where` (field = value, ANDed), or None; only
    `fields` (and the primary key) are read if given, the others are deferred."""
    sql, conditions, load = _select_sql(model, fields, _shape(where))
    row = fetchone(sql, _conditions(_db(), conditions, where))
    return None if row is None else load(row)


@cache
def _values_sql(model: type[Model], names: tuple, shape: tuple) -> tuple[str, list]:
    meta = model._meta
    conditions, tests = _tests(meta, shape)
    columns = ", ".join(_quote(meta.get_field(name).column) for name in names)
    return f"SELECT {columns} FROM {_quote(meta.db_table)} WHERE {tests}", conditions


def values(model: type[Model], names: tuple, **where) -> list[tuple]:
    """The `names` columns of every row of `model` matching `where`, as tuples: for
    plain values (ids, strings), as no converters are applied."""
    db = _db()
    sql, conditions = _values_sql(model, names, _shape(where))
    cursor = _cursor(db)
    cursor.execute(sql, _conditions(db, conditions, where))
    return cursor.fetchall()
