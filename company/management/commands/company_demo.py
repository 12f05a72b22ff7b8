"""After `load_demo`: the demo entities were registered by the back office, so give each
a portal admin (its first staff member), who enters the entity's bank details (a payment
batch needs them), and fill their inboxes from the audit trail."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Entity, Membership
from company.models import CompanyAccount
from company.services.notifications import scan_audit_trail
from payments.services.bank_details import change_bank_details
from vouchers.demo.loader import demo_account_number


class Command(BaseCommand):
    help = "Prepare the demo entities for the company portal (admins, bank details, inboxes)."

    def handle(self, *args, **options):
        admins = 0
        for entity in Entity.objects.filter(company_account__isnull=True).order_by("pk"):
            admins += self._make_admin(entity)
        banked = 0
        without = CompanyAccount.objects.filter(entity__bank_details__isnull=True)
        for account in without.select_related("entity", "admin").order_by("pk"):
            banked += self._enter_bank_details(account)
        notified = 0
        while batch := scan_audit_trail():
            notified += len(batch)
        self.stdout.write(
            f"Company portal: {admins} entity admin(s), {banked} bank detail(s),"
            f" {notified} notification(s)."
        )

    @transaction.atomic
    def _make_admin(self, entity) -> int:
        staff = Membership.objects.filter(entity=entity, role=Membership.Role.ENTITY_STAFF)
        first = staff.select_related("user").order_by("pk").first()
        declaration = entity.current_declaration()
        if first is None or declaration is None:
            return 0
        CompanyAccount.objects.create(
            entity=entity, admin=first.user, region_code=declaration.registered_region
        )
        return 1

    def _enter_bank_details(self, account: CompanyAccount) -> int:
        entity = account.entity
        change_bank_details(
            payee=entity, account_name=entity.name, bank_name="中国工商银行（演示）",
            account_number=demo_account_number(entity.pk, prefix="6222"), by=account.admin,
        )  # fmt: skip
        return 1
