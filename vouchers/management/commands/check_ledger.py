"""`manage.py check_ledger [--programme CODE]`: recompute the books from the entries,
print what does not match, exit non-zero if anything does."""

from django.core.management.base import BaseCommand, CommandError

from vouchers.models import Programme
from vouchers.services.ledger_check import check_ledger


class Command(BaseCommand):
    help = "Recompute balances, budgets, vouchers and caps from the ledger entries."

    def add_arguments(self, parser):
        parser.add_argument("--programme", metavar="CODE", help="check this programme only")

    def handle(self, *args, programme=None, **options):
        programmes = None
        if programme is not None:
            programmes = Programme.objects.filter(code=programme)
            if not programmes.exists():
                raise CommandError(f"no programme {programme}")
        checked = check_ledger(programmes=programmes)
        for problem in checked.problems:
            self.stdout.write(problem)
        if checked.problems:
            raise CommandError(f"ledger check failed: {len(checked.problems)} mismatches")
        self.stdout.write(
            f"ledger OK: {checked.programmes} programmes, {checked.accounts} accounts, "
            f"{checked.vouchers} vouchers, {checked.cap_rows} cap rows"
        )
