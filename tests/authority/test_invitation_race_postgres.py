"""Two managers invite the same entity at the same moment: the unique key on (programme,
entity) lets one invitation through, the other finds it taken and invites nobody; one
audit event, one message in the inbox."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection, transaction

from accounts.models import Membership
from audit.models import AuditEvent
from authority.models import ProgrammeInvitation
from authority.services.invitations import invite_entities
from company.models import Notification
from tests import builders

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent sessions"),
    pytest.mark.django_db(transaction=True),
]


def test_two_managers_inviting_at_once_make_one_invitation(chengdu, alice, centre):
    bella = builders.member("bella", Membership.Role.PROGRAMME_MANAGER, authority=chengdu)
    programme = builders.programme(authority=chengdu, manager=alice, providers=[centre])
    entity = builders.entity(name="epsilon", declared_on=builders.TODAY - timedelta(days=60))
    both_inside, made = threading.Barrier(2, timeout=10), {}

    def invite(manager):
        try:
            with transaction.atomic():
                both_inside.wait()  # both transactions open before either inserts
                made[manager.username] = invite_entities(
                    programme=programme, entities=[entity], by=manager
                )
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=invite, args=(m,)) for m in (alice, bella)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(len(invitations) for invitations in made.values()) == [0, 1]
    assert ProgrammeInvitation.objects.filter(programme=programme, entity=entity).count() == 1
    assert AuditEvent.objects.filter(action="programme.invite").count() == 1
    assert Notification.objects.filter(entity=entity).count() == 1
