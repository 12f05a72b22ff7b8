"""Moving the audit trail into its own app keeps every event already written."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.models import AuditEvent

BEFORE_THE_MOVE = [("vouchers", "0005_min_award_within_cap"), ("audit", None)]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_events_written_before_the_move_are_read_after_it():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(BEFORE_THE_MOVE)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO vouchers_auditevent (at, action, object_type, object_id, before, after)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            [timezone.now(), "voucher.issue", "voucher", "7", "{}", '{"face_value": "1.00"}'],
        )

    migrate(latest)

    kept = AuditEvent.objects.get()
    assert (kept.action, kept.object_id, kept.after) == (
        "voucher.issue",
        "7",
        {"face_value": "1.00"},
    )
