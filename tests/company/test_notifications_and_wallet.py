"""Notifications of status changes (from the audit trail, once each), the timeline of an
application with the actor's role, and the wallet with its redemptions and chart."""

import json

import pytest
from django.core import mail

from company.models import Notification
from company.services.notifications import scan_audit_trail
from tests import builders
from vouchers.services import codes
from vouchers.services.applications import approve_application, return_application

pytestmark = pytest.mark.django_db


def test_every_status_change_notifies_each_staff_member_once(
    application, company, clerk, bob, django_capture_on_commit_callbacks
):
    colleague = builders.member("colleague", "entity_staff", entity=company)
    colleague.email = "colleague@xinghe.example"
    colleague.save()
    approve_application(application=application, by=bob)
    with django_capture_on_commit_callbacks(execute=True):
        scan_audit_trail()
        scan_audit_trail()  # a second scan finds nothing new
    subjects = set(Notification.objects.values_list("user__username", "subject_en"))
    for user in (clerk, colleague):
        assert (user.username, f"Application #{application.pk} is now submitted") in subjects
        assert (user.username, f"Application #{application.pk} is now approved") in subjects
    voucher = application.voucher
    assert (clerk.username, f"Voucher #{voucher.pk} is now active") in subjects
    assert Notification.objects.count() == 2 * 3
    assert sorted(m.to[0] for m in mail.outbox) == [clerk.email] * 3 + [colleague.email] * 3
    assert all(n.emailed_at for n in Notification.objects.all())


def test_an_event_committed_after_a_later_one_was_scanned_still_notifies(application, clerk):
    from audit.models import AuditEvent
    from company.models import NotificationScan

    submitted = AuditEvent.objects.get(action="application.submitted")
    # As if a later event had been scanned before this one's transaction committed.
    NotificationScan.objects.create(pk=1, scanned_through=submitted.pk + 5)
    scan_audit_trail()
    assert Notification.objects.filter(user=clerk, event=submitted).exists()


def test_another_entitys_changes_do_not_reach_this_inbox(application, rival, clerk):
    scan_audit_trail()
    assert not Notification.objects.filter(user=rival.clerk).exists()
    assert Notification.objects.filter(user=clerk).exists()


def test_a_redemption_is_not_a_status_change(voucher, clerk):
    scan_audit_trail()
    assert not Notification.objects.filter(event__action="voucher.redeem").exists()


def test_opening_a_notification_marks_it_read_and_follows_its_link(as_clerk, application, clerk):
    scan_audit_trail()
    notification = Notification.objects.get(user=clerk)
    response = as_clerk.post(f"/company/inbox/{notification.pk}/read/")
    assert response.url == f"/company/applications/{application.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert as_clerk.get("/company/inbox/?unread=true").context["page"].paginator.count == 0


def test_the_timeline_shows_every_step_with_the_actors_role(as_clerk_en, application, bob):
    return_application(application=application, by=bob, note="missing scan")
    page = as_clerk_en.get(f"/company/applications/{application.pk}/")
    steps = [(s["event"].action, str(s["role"])) for s in page.context["timeline"]]
    assert steps == [
        ("contract.register", "Entity staff"),
        ("application.create", "Entity staff"),
        ("application.submitted", "Entity staff"),
        ("application.returned", "Reviewer"),
    ]
    html = page.content.decode()
    assert "Reviewer" in html and "missing scan" in html


def test_the_timeline_names_the_provider_who_redeemed(as_clerk_en, voucher):
    page = as_clerk_en.get(f"/company/applications/{voucher.application_id}/")
    roles = {s["event"].action: str(s["role"]) for s in page.context["timeline"]}
    assert roles["voucher.redeem"] == "Provider staff"
    assert roles["application.approve"] == "Reviewer"


def test_the_wallet_lists_the_voucher_with_what_is_left(as_clerk, voucher):
    html = as_clerk.get("/company/vouchers/").content.decode()
    assert codes.display(voucher.code) in html
    assert "¥50,000.00" in html and "¥5,000.00" in html and "¥45,000.00" in html


def test_the_wallet_finds_a_voucher_by_its_code_as_printed(as_clerk, voucher):
    printed = codes.display(voucher.code)[:9].lower()  # "k7qm-2xdp", typed from a page
    found = as_clerk.get("/company/vouchers/", {"q": printed}).context["page"]
    missed = as_clerk.get("/company/vouchers/", {"q": "0000-0000"}).context["page"]
    assert [v.pk for v in found] == [voucher.pk]
    assert list(missed) == []


def test_a_voucher_shows_its_redemptions_and_their_chart_data(as_clerk, voucher):
    page = as_clerk.get(f"/company/vouchers/{voucher.pk}/")
    assert [e.amount for e in page.context["entries"]] == [5000]
    html = page.content.decode()
    data = json.loads(html.split('id="spend-series" type="application/json">')[1].split("<")[0])
    assert data["values"] == ["5000.00"]
    assert 'data-chart="spend-series"' in html and "<script>" not in html


def test_the_demo_command_gives_each_entity_an_admin_and_fills_the_inboxes(application, company):
    from django.core.management import call_command

    from company.models import CompanyAccount

    call_command("company_demo")
    call_command("company_demo")  # a second run changes nothing
    assert CompanyAccount.objects.get(entity=company).admin == company.clerk
    # The application's notice, and the bank details the admin entered (a batch needs them).
    inbox = Notification.objects.filter(user=company.clerk)
    assert inbox.count() == 2
    assert inbox.filter(subject_en__startswith="Bank details changed").count() == 1
    assert company.bank_details.account_name == company.name
