"""``manage.py backup [--output PATH]``: a consistent backup of the configured database,
taken while the app keeps running (see gonghui/core/management/backups.py)."""

from django.core.management.base import BaseCommand
from django.db import connection

from gonghui.core.management import backups


class Command(BaseCommand):
    help = (
        "Back up the configured database (SQLite: online backup API; PostgreSQL: pg_dump "
        "custom format) to var/backups/ or --output."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output", metavar="PATH", help="file to write, or a directory to write it in"
        )

    def handle(self, *args, output: str | None, **options) -> None:
        vendor = backups.vendor_of(connection)
        path = backups.output_path(vendor, output)
        backups.backup(connection, path)
        size = backups.human_size(path.stat().st_size)
        self.stdout.write(f"Backed up {backups.describe(connection)} to {path} ({size}).")
