"""Webhook pages of the provider portal: endpoints added (the secret shown once, after
the password again), disabled and enabled, the secret rotated, the delivery log with a
delivery sent again to a real receiver on 127.0.0.1, the notice of an endpoint the
workers switched off. Another provider's endpoints and deliveries are 404s."""

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from tests.authority.conftest import signed_in
from tests.provider.conftest import *  # noqa: F403 (the personas)
from vouchers.services.closing import revoke_voucher
from web.auth import SESSION_KEY as RECENT_LOGIN
from webhooks.models import Delivery, Endpoint
from webhooks.services import create_endpoint
from webhooks.tasks import scan_and_deliver_task

URL = "https://hooks.example.com/vouchers"


@pytest.fixture
def hooked(receiver, centre, centre_engineer):
    return create_endpoint(provider=centre, url=receiver.url, events=[], by=centre_engineer)


@pytest.fixture
def delivered(hooked, world, bob, receiver):
    """The voucher revoked: one delivery, sent to the receiver."""
    revoke_voucher(voucher=world.voucher, by=bob, reason="合同终止")
    scan_and_deliver_task()
    return Delivery.objects.get(endpoint=hooked, event_type="voucher.revoked")


@pytest.fixture
def rivals(rival, oscar, receiver):
    """The rival provider's endpoint and a delivery of it."""
    endpoint = create_endpoint(provider=rival, url=receiver.url, events=[], by=oscar)
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_id="audit-999", event_type="voucher.revoked",
        payload={"id": "audit-999"}, created_at=timezone.now(),
    )  # fmt: skip
    return endpoint, delivery


def test_an_endpoint_is_added_with_its_secret_shown_once(as_erin, centre):
    response = as_erin.post(
        "/provider/webhooks/create/", {"url": URL, "events": ["voucher.revoked", "statement.paid"]}
    )

    endpoint = Endpoint.objects.get(provider=centre)
    assert endpoint.events == ["statement.paid", "voucher.revoked"]
    page = response.content.decode()
    assert endpoint.secret in page and "no-store" in response["Cache-Control"]
    listing = as_erin.get("/provider/webhooks/").content.decode()
    assert URL in listing and endpoint.secret not in listing
    assert endpoint.secret not in as_erin.get(f"/provider/webhooks/{endpoint.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="webhook_endpoint.create").count() == 1


def test_a_refused_url_is_named_on_the_form(as_erin_en, centre, settings):
    settings.WEBHOOK_ALLOW_HTTP = settings.WEBHOOK_ALLOW_PRIVATE = False

    response = as_erin_en.post("/provider/webhooks/create/", {"url": "http://127.0.0.1/x"})

    assert response.status_code == 400
    assert (
        'id="id_url_error' in response.content.decode() or "is-invalid" in response.content.decode()
    )
    assert not Endpoint.objects.filter(provider=centre).exists()


def test_adding_an_endpoint_asks_for_the_password_again(centre_engineer, centre):
    stale = signed_in(centre_engineer, verified=False)
    session = stale.session
    session[RECENT_LOGIN] = timezone.now().timestamp() - 3600
    session.save()

    response = stale.post("/provider/webhooks/create/", {"url": URL})

    assert response.status_code == 302 and "/confirm" in response["Location"]
    assert not Endpoint.objects.filter(provider=centre).exists()


def test_the_secret_is_rotated_and_shown_once(as_erin, hooked):
    old = hooked.secret

    response = as_erin.post(f"/provider/webhooks/{hooked.pk}/rotate/")

    hooked.refresh_from_db()
    assert hooked.secret != old and hooked.secret in response.content.decode()
    assert AuditEvent.objects.filter(action="webhook_endpoint.rotate_secret").count() == 1


def test_an_endpoint_is_disabled_then_enabled(as_erin, hooked):
    as_erin.post(f"/provider/webhooks/{hooked.pk}/disable/")
    hooked.refresh_from_db()
    assert not hooked.active
    assert (
        'data-testid="disabled-notice"'
        in as_erin.get(f"/provider/webhooks/{hooked.pk}/").content.decode()
    )

    as_erin.post(f"/provider/webhooks/{hooked.pk}/enable/")

    hooked.refresh_from_db()
    assert hooked.active
    actions = AuditEvent.objects.filter(object_type="endpoint").values_list("action", flat=True)
    assert set(actions) >= {"webhook_endpoint.disable", "webhook_endpoint.enable"}


def test_the_log_shows_each_delivery_and_one_is_sent_again(
    as_erin, delivered, receiver, django_capture_on_commit_callbacks
):
    page = as_erin.get(f"/provider/webhooks/{delivered.endpoint_id}/").content.decode()
    assert f'data-testid="delivery-{delivered.pk}"' in page and "voucher.revoked" in page
    sent = len(receiver.requests)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_erin.post(f"/provider/webhooks/deliveries/{delivered.pk}/redeliver/")

    assert response.status_code == 302
    delivered.refresh_from_db()
    assert (delivered.status, delivered.attempts, delivered.response_code) == ("delivered", 2, 200)
    assert len(receiver.requests) == sent + 1
    assert AuditEvent.objects.filter(action="webhook_delivery.redeliver").count() == 1


def test_an_endpoint_switched_off_after_failures_says_so(as_erin_en, hooked, settings):
    Endpoint.objects.filter(pk=hooked.pk).update(
        active=False, disabled_at=timezone.now(), failures=settings.WEBHOOK_DISABLE_AFTER
    )

    listing = as_erin_en.get("/provider/webhooks/").content.decode()
    page = as_erin_en.get(f"/provider/webhooks/{hooked.pk}/").content.decode()

    assert f'data-testid="auto-disabled-{hooked.pk}"' in listing
    assert "failed deliveries in a row" in page


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/provider/webhooks/{endpoint}/"),
        ("post", "/provider/webhooks/{endpoint}/disable/"),
        ("post", "/provider/webhooks/{endpoint}/enable/"),
        ("post", "/provider/webhooks/{endpoint}/rotate/"),
        ("post", "/provider/webhooks/deliveries/{delivery}/redeliver/"),
    ],
)
def test_another_providers_endpoint_or_delivery_is_not_found(as_erin, rivals, method, path):
    endpoint, delivery = rivals
    url = path.format(endpoint=endpoint.pk, delivery=delivery.pk)

    assert getattr(as_erin, method)(url).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.active and Delivery.objects.get(pk=delivery.pk).attempts == 0


def test_someone_not_of_a_provider_is_refused(client, bob):
    signed = signed_in(bob)
    assert signed.get("/provider/webhooks/").status_code == 403
