"""python manage.py usage_partitions [--detach-before YYYY-MM]

PostgreSQL's monthly partitions of the usage table (billing/partitions.py). Without an
option: create the missing months up to a quarter ahead, as beat does every day. With
`--detach-before 2024-01`: detach every month before January 2024 (each must be
settled); the detached tables stay in the database, to be archived (pg_dump -t) and
dropped. On SQLite, which keeps one table, it does nothing and says so.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from billing import partitions
from config.errors import DomainError


def month(text: str) -> date:
    try:
        year, number = (int(part) for part in text.split("-"))
        return date(year, number, 1)
    except ValueError:
        raise CommandError(f"月份格式应为 YYYY-MM / a month is written YYYY-MM: {text!r}") from None


class Command(BaseCommand):
    help = "Create the usage table's coming monthly partitions, or detach old ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--detach-before", type=month, help="YYYY-MM: detach the months before it"
        )

    def handle(self, *args, detach_before, **options):
        if not partitions.is_partitioned():
            self.stdout.write("The usage table is not partitioned here (SQLite): nothing to do.")
            return
        try:
            if detach_before:
                done = partitions.detach_before(detach_before)
                verb = "detached"
            else:
                done = partitions.ensure_partitions()
                verb = "created"
        except DomainError as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"{verb}: {', '.join(done) or 'none'}")
