"""``manage.py restore PATH [--yes]``: replace every record of the configured database with
those of a backup made by ``manage.py backup``."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from gonghui.core.management import backups


class Command(BaseCommand):
    help = "Restore the configured database from a file written by `manage.py backup`."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the backup file")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask; required when stdin is not a terminal"
        )

    def handle(self, *args, path: str, yes: bool, **options) -> None:
        vendor = backups.vendor_of(connection)
        backup_file = Path(path)
        backups.check_backup_file(backup_file, vendor)
        target = backups.describe(connection)
        if not yes:
            self._confirm(f"This replaces ALL data in the {target} with {backup_file}.")
        backups.restore(connection, backup_file)
        self.stdout.write(
            f"Restored the {target} from {backup_file}. "
            "Run `manage.py migrate` if the backup is older than this release."
        )

    def _confirm(self, warning: str) -> None:
        # A restore from cron or a script must say --yes; a prompt nobody reads would hang it.
        if not sys.stdin.isatty():
            raise CommandError(f"{warning} Pass --yes to confirm (stdin is not a terminal).")
        answer = input(f"{warning}\nType 'yes' to continue: ")
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")
