"""History cannot be rewritten even with raw SQL: the database's own triggers refuse
UPDATE and DELETE of audit events, ledger entries, rule-set versions and entity
declarations on SQLite and PostgreSQL, and TRUNCATE on PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import EntityDeclaration
from audit.models import AuditEvent
from tests import builders
from vouchers.models import LedgerEntry, RuleSet

HISTORY = [AuditEvent, LedgerEntry, RuleSet, EntityDeclaration]

pytestmark = pytest.mark.postgres


@pytest.fixture
def history(application, bob):
    """A voucher issued: every kind of history has rows."""
    from vouchers.services.applications import approve_application

    approve_application(application=application, by=bob)
    for model in HISTORY:
        assert model.objects.exists()


def refused_by_the_database(statement: str) -> None:
    before = builders.stored_rows()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert builders.stored_rows() == before


@pytest.mark.parametrize("model", HISTORY, ids=lambda m: m.__name__)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_history_cannot_be_rewritten_with_raw_sql(history, model, statement):
    refused_by_the_database(statement.format(table=model._meta.db_table))


# Committed rows (transaction=True): PostgreSQL will not TRUNCATE a table with foreign-key
# checks still pending in the same transaction, whatever the triggers say.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("model", HISTORY, ids=lambda m: m.__name__)
def test_history_cannot_be_truncated_on_postgresql(history, model):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    refused_by_the_database(f"TRUNCATE {model._meta.db_table} CASCADE")


def a_stored_row(table: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id LIMIT 1")
        columns = [column[0] for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.fixture
def set_recursive_triggers(history):
    """Turns SQLite's recursive triggers ON or OFF; the next test finds them on again."""
    yield _set_recursive_triggers
    if connection.vendor == "sqlite":
        _set_recursive_triggers("ON")


def _set_recursive_triggers(state: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA recursive_triggers = {state}")


# SQLite's REPLACE deletes the row in its way without firing DELETE triggers unless
# recursive triggers are on; PostgreSQL has no REPLACE (its ON CONFLICT UPDATE fires the
# UPDATE trigger).
@pytest.mark.parametrize("model", HISTORY, ids=lambda m: m.__name__)
@pytest.mark.parametrize("verb", ["REPLACE INTO", "INSERT OR REPLACE INTO"])
@pytest.mark.parametrize("recursive_triggers", ["ON", "OFF"], ids=lambda v: f"recursive {v}")
def test_history_cannot_be_replaced_on_sqlite(
    set_recursive_triggers, model, verb, recursive_triggers
):
    """Our connections turn recursive triggers on (settings); another program's may not,
    and meets the BEFORE INSERT trigger instead."""
    if connection.vendor != "sqlite":
        pytest.skip("REPLACE is SQLite's")
    set_recursive_triggers(recursive_triggers)
    table = model._meta.db_table
    row = a_stored_row(table)
    columns = ", ".join(f'"{name}"' for name in row)
    placeholders = ", ".join(f":{name}" for name in row)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"{verb} {table} ({columns}) VALUES ({placeholders})", row)
    assert a_stored_row(table) == row


def test_a_ruleset_version_cannot_be_replaced_under_another_id_on_sqlite(
    set_recursive_triggers,
):
    """REPLACE may meet a row by another unique key than the id: (programme, version)."""
    if connection.vendor != "sqlite":
        pytest.skip("REPLACE is SQLite's")
    set_recursive_triggers("OFF")
    row = a_stored_row("vouchers_ruleset")
    row["id"] += 1000
    columns = ", ".join(f'"{name}"' for name in row)
    placeholders = ", ".join(f":{name}" for name in row)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"REPLACE INTO vouchers_ruleset ({columns}) VALUES ({placeholders})", row)
