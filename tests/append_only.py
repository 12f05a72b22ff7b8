"""Test support: Django empties the tables after a transactional test (DELETE on SQLite,
TRUNCATE on PostgreSQL), which the append-only triggers refuse. The flush, and only the
flush, runs with them out of the way: on PostgreSQL in `session_replication_role =
replica`, which only a superuser may set (the test role is one, the application's role
in production is not); on SQLite by dropping and re-creating them around it."""

from contextlib import contextmanager
from unittest import mock

from django.db.backends.base.operations import BaseDatabaseOperations


@contextmanager
def _triggers_off(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                yield
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield
        finally:
            for _, sql in triggers:
                cursor.execute(sql)


@contextmanager
def flushing_past_the_triggers():
    flush = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with _triggers_off(self.connection):
            flush(self, sql_list)

    with mock.patch.object(BaseDatabaseOperations, "execute_sql_flush", execute_sql_flush):
        yield
