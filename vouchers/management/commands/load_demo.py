"""`manage.py load_demo`: the demo data set, built through the services. Idempotent."""

from django.core.management.base import BaseCommand

from vouchers.demo import loader, second_factor


class Command(BaseCommand):
    help = (
        "Load demo authorities, providers, entities, the brief's first-table programmes and "
        "applications and vouchers in every state. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        demo = loader.load()
        verb = f"created {demo.created} item(s)" if demo.created else "already loaded"
        self.stdout.write(self.style.SUCCESS(f"Demo data {verb} (dates as of {demo.today})."))
        self.stdout.write(loader.login_table(demo.logins))
        self.stdout.write(f"\nEvery password: {loader.PASSWORD}")
        self.stdout.write(f"Admin: {loader.ADMIN_URL}")
        self.stdout.write(loader.provider_portal_line(demo.logins))
        self.stdout.write(loader.PAYMENTS_LINE)
        officers = second_factor.ensure_for(demo.users.values())
        self.stdout.write(
            "\nOfficers sign in with a second factor at /authority/: type one of these"
            " backup codes (each works once), or add the key to an authenticator app."
        )
        self.stdout.write(second_factor.table(officers))
