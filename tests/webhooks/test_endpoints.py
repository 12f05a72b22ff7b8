"""Who may add an endpoint, and where it may point (https only and no private address
in production: the platform must not be made to call its own network)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from audit import actions
from audit.models import AuditEvent
from config.errors import DomainError
from vouchers.services.closing import revoke_voucher
from webhooks.models import Delivery, Endpoint
from webhooks.services import create_endpoint, disable_endpoint, enable_endpoint
from webhooks.tasks import scan_and_deliver_task


@pytest.fixture
def production(settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_PRIVATE = False


def add(centre, engineer, url, events=()):
    return create_endpoint(provider=centre, url=url, events=list(events), by=engineer)


def test_provider_staff_add_an_endpoint_with_a_secret_audited(centre, centre_engineer, receiver):
    endpoint = add(centre, centre_engineer, receiver.url, ["voucher.revoked"])
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    assert endpoint.events == ["voucher.revoked"]
    assert AuditEvent.objects.filter(action=actions.WEBHOOK_CREATE, actor=centre_engineer).exists()


def test_a_superuser_without_membership_cannot_add_one(centre, receiver, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pass")
    with pytest.raises(PermissionDenied):
        add(centre, root, receiver.url)
    assert not Endpoint.objects.exists()


def test_an_unknown_event_type_is_refused_by_name(centre, centre_engineer, receiver):
    with pytest.raises(DomainError) as refused:
        add(centre, centre_engineer, receiver.url, ["voucher.stolen"])
    assert (refused.value.field, refused.value.code) == ("events", "unknown_event")


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "ftp://hooks.example.com/x",
        "https:///nohost",
    ],
)
def test_production_wants_https(production, centre, centre_engineer, url):
    with pytest.raises(DomainError) as refused:
        add(centre, centre_engineer, url)
    assert (refused.value.field, refused.value.code) == ("url", "https_required")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://localhost:8443/x",
        "https://10.1.2.3/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://192.168.0.1/x",
    ],
)
def test_production_refuses_private_and_loopback_addresses(
    production, centre, centre_engineer, url
):
    with pytest.raises(DomainError) as refused:
        add(centre, centre_engineer, url)
    assert (refused.value.field, refused.value.code) == ("url", "private_address")


def test_a_delivery_checks_the_address_again(
    voucher, bob, endpoint, receiver, settings, production
):
    revoke_voucher(voucher=voucher, by=bob, reason="合同终止")
    scan_and_deliver_task()
    assert receiver.requests == []
    assert "https" in endpoint.deliveries.get().response_body


def test_staff_disable_and_enable_it_again(centre, centre_engineer, receiver):
    endpoint = add(centre, centre_engineer, receiver.url)
    Endpoint.objects.filter(pk=endpoint.pk).update(failures=5)
    disable_endpoint(endpoint=endpoint, by=centre_engineer)
    assert not endpoint.active and endpoint.disabled_at
    enable_endpoint(endpoint=endpoint, by=centre_engineer)
    assert endpoint.active and endpoint.failures == 0
    assert AuditEvent.objects.filter(action=actions.WEBHOOK_ENABLE).count() == 1


def test_a_waiting_delivery_reads_as_waiting_to_be_sent_in_chinese():
    with translation.override("zh-hans"):
        assert str(Delivery.Status.PENDING.label) == "待发送"
    with translation.override("en"):
        assert str(Delivery.Status.PENDING.label) == "Pending"
