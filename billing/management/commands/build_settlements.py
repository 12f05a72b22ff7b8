"""python manage.py build_settlements [--period YYYY-MM | YYYY-Qn]

Builds (or tops up) the draft statements of a period, as beat does on the 2nd of each
month: without `--period`, every programme's period that ended with last month (its
month, or its quarter for a quarterly programme); with it, that month's statements of
the monthly programmes or that quarter's of the quarterly ones. Idempotent.
"""

from django.core.management.base import BaseCommand, CommandError

from billing import settlements
from config.errors import DomainError


class Command(BaseCommand):
    help = "Build the settlement statements of a period (default: the periods that just ended)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM (a month) or YYYY-Qn (a quarter)")

    def handle(self, *args, period, **options):
        try:
            built = (
                [settlements.build_settlements(period=period)]
                if period
                else settlements.build_ended_settlements()
            )
        except DomainError as refused:
            raise CommandError(str(refused)) from refused
        for result in built:
            self.stdout.write(
                f"{result['period']}: {result['settlements']} statements, "
                f"{result['lines_added']} lines added"
            )
