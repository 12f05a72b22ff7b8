"""Notifications say what happened to a voucher used by reconciliation, and arrive at
once when tasks run in-process (no beat); e-mail links start with SITE_URL.

星河's voucher is approved at 100 yuan in a programme without a minimum award, so two
usage records use it up; the provider's records arrive by API (`send`) and are
reconciled set-wise, which writes the voucher's audit events in bulk."""

import pytest
from django.core import mail

from billing.reconcile import reconcile
from company.models import Notification
from company.services.notifications import scan_audit_trail
from tests import builders
from tests.billing.conftest import issue, send, usage
from tests.test_celery_worker import eager
from vouchers.services.applications import approve_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_voucher(chengdu, alice, centre, company, bob, clerk):
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], min_award=None
    )
    return issue(programme, company, centre, bob, "HT-SMALL", amount="100.00")


def voucher_subjects(voucher) -> list[str]:
    notices = Notification.objects.filter(event__object_type="voucher", event__object_id=voucher.pk)
    return list(notices.order_by("pk").values_list("subject_en", flat=True))


def test_a_voucher_used_up_by_reconciliation_tells_the_company(small_voucher, clerk):
    scan_audit_trail()  # the issue notice, out of the way
    send(
        small_voucher.provider, [usage(contract="HT-SMALL", amount="150.00", day=d) for d in (3, 4)]
    )

    reconcile()
    scan_audit_trail()

    small_voucher.refresh_from_db()
    assert small_voucher.status == "exhausted"
    notice = Notification.objects.get(user=clerk, event__action="voucher.redeem")
    assert notice.subject_en == f"Voucher #{small_voucher.pk} is now exhausted"
    assert "已用完" in notice.subject_zh


def test_a_redemption_that_leaves_money_on_the_voucher_tells_nobody(small_voucher, clerk):
    scan_audit_trail()
    send(small_voucher.provider, [usage(contract="HT-SMALL", amount="50.00")])

    reconcile()
    scan_audit_trail()

    assert not Notification.objects.filter(event__action="voucher.redeem").exists()


def test_a_run_whose_records_all_failed_does_not_say_the_voucher_is_now_active(
    small_voucher, clerk
):
    scan_audit_trail()
    before = voucher_subjects(small_voucher)
    # Outside the contract's service period: an exception, nothing redeemed.
    send(small_voucher.provider, [usage(contract="HT-SMALL", month=1)])

    reconcile()
    scan_audit_trail()

    assert voucher_subjects(small_voucher) == before
    assert not Notification.objects.filter(event__action="voucher.reconcile").exists()


def test_without_beat_a_decision_reaches_the_inbox_and_the_mailbox_at_once(
    application, clerk, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve_application(application=application, by=bob)

    # No scan called here: the approval's commit queued one, run in-process.
    subjects = set(Notification.objects.filter(user=clerk).values_list("subject_en", flat=True))
    assert f"Application #{application.pk} is now approved" in subjects
    assert f"Voucher #{application.voucher.pk} is now active" in subjects
    assert clerk.email in [m.to[0] for m in mail.outbox]


def test_with_beat_the_decision_waits_for_its_scan(
    application, clerk, bob, django_capture_on_commit_callbacks
):
    # A worker and beat would do it.
    with eager(False), django_capture_on_commit_callbacks(execute=True) as queued:
        approve_application(application=application, by=bob)

    assert queued == []
    assert not Notification.objects.filter(user=clerk).exists()


def test_e_mail_links_start_with_the_site_url(
    application, clerk, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://vouchers.example.cn/"

    with django_capture_on_commit_callbacks(execute=True):
        scan_audit_trail()

    body = mail.outbox[0].body
    assert f"https://vouchers.example.cn/company/applications/{application.pk}/" in body
    assert "127.0.0.1" not in body
