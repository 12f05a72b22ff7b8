"""Webhooks delivered to a real receiver on 127.0.0.1: signed, retried, redelivered,
and an endpoint that keeps failing is switched off with a notice."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit import actions
from audit.models import AuditEvent
from tests import builders
from vouchers.models import Voucher
from vouchers.services.closing import revoke_voucher
from webhooks import events, signing
from webhooks.models import Delivery, Endpoint
from webhooks.selectors import deliveries_of, delivery_of, due_delivery_ids
from webhooks.services import attempt, create_endpoint, disable_endpoint, redeliver
from webhooks.tasks import scan_and_deliver_task


def revoke(voucher, bob):
    revoke_voucher(voucher=voucher, by=bob, reason="合同终止")


def make_due(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_revoked_voucher_reaches_the_endpoint_signed(voucher, bob, endpoint, receiver):
    revoke(voucher, bob)
    scan_and_deliver_task()

    [request] = receiver.requests
    header = request["headers"][signing.HEADER]
    assert signing.verify(secret=endpoint.secret, header=header, body=request["body"])
    assert not signing.verify(secret="whsec_wrong", header=header, body=request["body"])
    body = json.loads(request["body"])
    assert body["type"] == "voucher.revoked"
    assert body["data"]["code"] == voucher.code
    assert body["data"]["status"] == Voucher.Status.REVOKED
    assert set(body) == {"id", "type", "created", "data"}
    [delivery] = deliveries_of(endpoint=endpoint)
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)
    assert delivery.response_body == "ok"


def test_a_rescan_adds_no_second_delivery(voucher, bob, endpoint, receiver):
    revoke(voucher, bob)
    events.scan()
    events.scan()
    scan_and_deliver_task()
    assert Delivery.objects.count() == 1
    assert len(receiver.requests) == 1


def test_a_500_is_retried_after_the_backoff_then_delivered(voucher, bob, endpoint, receiver):
    receiver.answers = [500]
    revoke(voucher, bob)
    scan_and_deliver_task()

    [delivery] = deliveries_of(endpoint=endpoint)
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("pending", 500, 1)
    assert len(delivery.response_body) == 2048  # the first 2 KB of the answer
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert due_delivery_ids() == []  # not before the backoff

    make_due(delivery)
    scan_and_deliver_task()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 2)
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
    assert Endpoint.objects.get().failures == 0


def test_a_delivery_gives_up_after_a_day_of_retries(voucher, bob, endpoint, receiver):
    receiver.answers = [500] * 7
    revoke(voucher, bob)
    events.scan()
    delivery = Delivery.objects.get()
    for _ in range(7):
        make_due(delivery)
        attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 7)
    assert attempt(delivery_id=delivery.pk) is False


def test_staff_redeliver_a_delivery(
    voucher, bob, endpoint, receiver, centre, centre_engineer, django_capture_on_commit_callbacks
):
    revoke(voucher, bob)
    scan_and_deliver_task()
    delivery = delivery_of(provider=centre, pk=Delivery.objects.get().pk)

    with django_capture_on_commit_callbacks(execute=True):
        redeliver(delivery=delivery, by=centre_engineer)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 2


def test_another_provider_cannot_see_or_redeliver_it(
    voucher, bob, endpoint, receiver, other_centre
):
    revoke(voucher, bob)
    scan_and_deliver_task()
    stranger = builders.member("mallory", "provider_staff", provider=other_centre)
    delivery = Delivery.objects.get()
    with pytest.raises(Delivery.DoesNotExist):
        delivery_of(provider=other_centre, pk=delivery.pk)
    with pytest.raises(PermissionDenied):
        redeliver(delivery=delivery, by=stranger)


def test_an_endpoint_failing_again_and_again_is_disabled_with_a_notice(
    voucher,
    bob,
    endpoint,
    receiver,
    centre_engineer,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOK_DISABLE_AFTER = 3
    centre_engineer.email = "erin@centre.example"
    centre_engineer.save()
    receiver.answers = [503] * 10
    revoke(voucher, bob)
    events.scan()
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            make_due(delivery)
            attempt(delivery_id=delivery.pk)

    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.failures == 3
    assert AuditEvent.objects.filter(action=actions.WEBHOOK_DISABLE, actor=None).count() == 1
    [mail] = mailoutbox
    assert mail.to == ["erin@centre.example"] and endpoint.url in mail.body
    make_due(delivery)
    assert attempt(delivery_id=delivery.pk) is False  # nothing more is sent
    assert len(receiver.requests) == 3


def test_a_refused_connection_is_logged_as_a_failure(voucher, bob, endpoint, receiver):
    receiver.close()
    revoke(voucher, bob)
    scan_and_deliver_task()
    delivery = Delivery.objects.get()
    assert delivery.response_code is None
    assert "Connection" in delivery.response_body or "Error" in delivery.response_body
    assert Endpoint.objects.get().failures == 1


def test_only_the_providers_own_endpoints_hear_of_its_vouchers(
    voucher, bob, endpoint, receiver, other_centre
):
    stranger = builders.member("mallory", "provider_staff", provider=other_centre)
    create_endpoint(provider=other_centre, url=receiver.url, events=[], by=stranger)
    revoke(voucher, bob)
    scan_and_deliver_task()
    assert [d.endpoint for d in Delivery.objects.all()] == [endpoint]


def test_an_endpoint_hears_only_the_types_it_asked_for(
    receiver, centre, centre_engineer, voucher, bob
):
    create_endpoint(
        provider=centre, url=receiver.url, events=["statement.paid"], by=centre_engineer
    )
    revoke(voucher, bob)
    scan_and_deliver_task()
    assert not Delivery.objects.exists()


def test_a_disabled_endpoint_gets_nothing(voucher, bob, endpoint, receiver, centre_engineer):
    disable_endpoint(endpoint=endpoint, by=centre_engineer)
    revoke(voucher, bob)
    scan_and_deliver_task()
    assert receiver.requests == []
