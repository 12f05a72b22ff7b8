"""Objections on the public board: anyone may object to an award in notice; a bot that
fills in the honeypot is refused, and one address is throttled after a few."""

import pytest
from django.core.cache import cache

from tests import builders
from vouchers.models import Objection, Voucher
from vouchers.services.applications import approve_application
from vouchers.services.notice import dismiss_objection
from web.views.objections import LIMIT_PER_HOUR

OBJECTION = {"name": "王五", "contact": "13800000000", "text": "该企业与服务商为关联方"}


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_notice(chengdu, alice, company, centre, carol) -> Voucher:
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], public_notice_days=7
    )
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    return approve_application(application=application, by=carol).voucher


def url_of(voucher) -> str:
    return f"/public/{voucher.programme.code}/awards/{voucher.pk}/object/"


def test_the_board_links_an_award_in_notice_to_its_objection_form(client, in_notice):
    page = client.get(f"/public/{in_notice.programme.code}/").content.decode()
    assert url_of(in_notice) in page


def test_anyone_may_object_during_notice(client, in_notice):
    response = client.post(url_of(in_notice), {**OBJECTION, "website": ""})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.voucher, objection.name, objection.status) == (in_notice, "王五", "open")


def test_the_form_speaks_english_too(english_client, in_notice):
    page = english_client.get(url_of(in_notice)).content.decode()
    assert "Send objection" in page


def test_the_honeypot_refuses_bots(client, in_notice):
    response = client.post(url_of(in_notice), {**OBJECTION, "website": "http://spam.example"})
    assert response.status_code == 400
    assert not Objection.objects.exists()


def test_a_missing_field_is_named(client, in_notice):
    response = client.post(url_of(in_notice), {**OBJECTION, "text": ""})
    assert response.status_code == 400
    assert 'href="#id_text"' in response.content.decode()
    assert not Objection.objects.exists()


def test_one_address_is_throttled(client, in_notice):
    for _ in range(LIMIT_PER_HOUR):
        assert client.post(url_of(in_notice), OBJECTION).status_code == 302
    response = client.post(url_of(in_notice), OBJECTION)
    assert response.status_code == 429
    assert Objection.objects.count() == LIMIT_PER_HOUR
    other = client.post(url_of(in_notice), OBJECTION, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_an_award_out_of_notice_takes_no_objection(client, in_notice, bob):
    in_notice.status = Voucher.Status.ACTIVE
    Voucher.objects.filter(pk=in_notice.pk).update(status=Voucher.Status.ACTIVE)
    response = client.post(url_of(in_notice), OBJECTION)
    assert response.status_code == 200
    assert "objection-form" not in response.content.decode()
    assert not Objection.objects.exists()


def test_a_dismissal_shows_its_reason_on_the_board(client, in_notice, bob):
    client.post(url_of(in_notice), OBJECTION)
    dismiss_objection(objection=Objection.objects.get(), by=bob, reason="经核查，双方无关联关系")
    page = client.get(url_of(in_notice)).content.decode()
    assert "经核查，双方无关联关系" in page
    assert "13800000000" not in page


def test_a_revoked_or_unknown_award_is_not_found(client, in_notice):
    assert (
        client.get(f"/public/{in_notice.programme.code}/awards/999999/object/").status_code == 404
    )
