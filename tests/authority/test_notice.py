"""Public notice: an open objection keeps a voucher in notice; an officer upholds it (the
voucher is revoked) or dismisses it with a reason; ending a notice early needs a reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit import actions
from audit.models import AuditEvent
from config.errors import DomainError
from tests import builders
from vouchers.models import Objection, Voucher
from vouchers.services.applications import approve_application
from vouchers.services.closing import close_vouchers
from vouchers.services.notice import (
    dismiss_objection,
    end_notice_early,
    file_objection,
    uphold_objection,
)

OBJECTION = {"name": "王五", "contact": "13800000000", "text": "该企业与服务商为关联方"}


@pytest.fixture
def noticed_programme(chengdu, alice, centre):
    return builders.programme(
        authority=chengdu, manager=alice, providers=[centre], public_notice_days=7
    )


@pytest.fixture
def in_notice(noticed_programme, company, centre, carol) -> Voucher:
    application = builders.submitted_application(
        programme=noticed_programme, entity=company, provider=centre
    )
    voucher = approve_application(application=application, by=carol).voucher
    assert voucher.status == Voucher.Status.PUBLIC_NOTICE
    return voucher


def after_notice(voucher) -> dict:
    """The daily close run on the day after the notice ends."""
    return close_vouchers(today=voucher.notice_ends_on + timedelta(days=1))


def test_without_objection_the_notice_ends_on_its_day(in_notice):
    assert after_notice(in_notice) == {"expired": 0, "activated": 1}
    in_notice.refresh_from_db()
    assert in_notice.status == Voucher.Status.ACTIVE


def test_an_open_objection_keeps_the_voucher_in_notice(in_notice):
    file_objection(voucher=in_notice, **OBJECTION)
    assert after_notice(in_notice) == {"expired": 0, "activated": 0}
    in_notice.refresh_from_db()
    assert in_notice.status == Voucher.Status.PUBLIC_NOTICE


def test_an_upheld_objection_revokes_the_voucher_with_the_reason(in_notice, bob):
    objection = file_objection(voucher=in_notice, **OBJECTION)
    uphold_objection(objection=objection, by=bob, reason="关联方属实")
    in_notice.refresh_from_db()
    objection.refresh_from_db()
    assert (in_notice.status, in_notice.released) == (Voucher.Status.REVOKED, in_notice.face_value)
    assert (objection.status, objection.reason, objection.resolved_by) == (
        Objection.Status.UPHELD,
        "关联方属实",
        bob,
    )
    assert AuditEvent.objects.filter(action=actions.OBJECTION_UPHOLD, actor=bob).exists()


def test_a_dismissed_objection_lets_the_notice_end(in_notice, bob):
    objection = file_objection(voucher=in_notice, **OBJECTION)
    dismiss_objection(objection=objection, by=bob, reason="经核查，双方无关联关系")
    objection.refresh_from_db()
    assert (objection.status, objection.reason) == (
        Objection.Status.DISMISSED,
        "经核查，双方无关联关系",
    )
    assert after_notice(in_notice)["activated"] == 1


def test_a_resolution_needs_a_reason_and_happens_once(in_notice, bob):
    objection = file_objection(voucher=in_notice, **OBJECTION)
    with pytest.raises(DomainError) as refused:
        dismiss_objection(objection=objection, by=bob, reason="  ")
    assert refused.value.field == "reason"
    dismiss_objection(objection=objection, by=bob, reason="不成立")
    with pytest.raises(DomainError):
        uphold_objection(objection=objection, by=bob, reason="成立")
    in_notice.refresh_from_db()
    assert in_notice.status == Voucher.Status.PUBLIC_NOTICE


def test_another_authoritys_officer_cannot_resolve(in_notice, dave):
    objection = file_objection(voucher=in_notice, **OBJECTION)
    with pytest.raises(PermissionDenied):
        uphold_objection(objection=objection, by=dave, reason="成立")
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN


def test_no_objection_after_the_notice(in_notice):
    after_notice(in_notice)
    with pytest.raises(DomainError) as refused:
        file_objection(voucher=in_notice, **OBJECTION)
    assert refused.value.field == "voucher"


def test_an_objection_names_what_is_missing(in_notice):
    with pytest.raises(DomainError) as refused:
        file_objection(voucher=in_notice, **{**OBJECTION, "contact": ""})
    assert refused.value.field == "contact"
    assert not Objection.objects.exists()


def test_ending_notice_early_needs_a_reason_and_no_open_objection(in_notice, bob):
    with pytest.raises(DomainError) as refused:
        end_notice_early(voucher=in_notice, by=bob, reason="")
    assert refused.value.field == "reason"
    objection = file_objection(voucher=in_notice, **OBJECTION)
    with pytest.raises(DomainError) as refused:
        end_notice_early(voucher=in_notice, by=bob, reason="急需开工")
    assert refused.value.code == "objection_open"
    dismiss_objection(objection=objection, by=bob, reason="不成立")
    end_notice_early(voucher=in_notice, by=bob, reason="急需开工")
    in_notice.refresh_from_db()
    assert in_notice.status == Voucher.Status.ACTIVE
    event = AuditEvent.objects.get(action=actions.VOUCHER_END_NOTICE_EARLY)
    assert (event.actor, event.after["reason"]) == (bob, "急需开工")


def test_a_notice_ended_early_starts_the_validity_today_and_keeps_its_length(in_notice, bob):
    today = timezone.localdate()
    assert in_notice.valid_from > today
    validity = in_notice.expires_on - in_notice.valid_from
    end_notice_early(voucher=in_notice, by=bob, reason="急需开工")
    in_notice.refresh_from_db()
    assert (in_notice.notice_ends_on, in_notice.valid_from) == (today, today)
    assert in_notice.expires_on - in_notice.valid_from == validity
