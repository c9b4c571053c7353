"""Create the first administrator (and, on an empty database, the top-level org).

    python manage.py create_admin --org-code acftu --org-name 中华全国总工会 --username root

The password is asked for twice on a terminal, or read from --password-file (for scripts).
"""

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.services import admin_bootstrap
from gonghui.core.errors import ApplicationError
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_create_root


class Command(BaseCommand):
    help = "Create an administrator at an org (creating the top-level org if the tree is empty)."

    def add_arguments(self, parser):
        parser.add_argument("--org-code", required=True)
        parser.add_argument("--org-name", help="Name of the top-level org, when creating it")
        parser.add_argument("--username", required=True)
        parser.add_argument("--display-name", default="")
        parser.add_argument("--password-file", type=Path)

    def handle(self, *args, org_code, org_name, username, display_name, password_file, **opts):
        org = Org.objects.filter(code=org_code).first()
        try:
            if org is None:
                if Org.objects.exists() or not org_name:
                    raise CommandError(f"No org with code {org_code!r}.")
                org = org_create_root(actor=None, code=org_code, name=org_name)
                self.stdout.write(f"Created top-level org {org.name} ({org.code}).")
            user = admin_bootstrap(
                org=org,
                username=username,
                display_name=display_name or username,
                password=self._password(password_file),
            )
        except ApplicationError as error:
            details = "; ".join(m for msgs in error.fields.values() for m in msgs)
            raise CommandError(f"{error.message} {details}".strip()) from error
        self.stdout.write(
            self.style.SUCCESS(f"Administrator {user.username} of {org.name} created.")
        )

    def _password(self, password_file: Path | None) -> str:
        if password_file:
            return password_file.read_text().strip()
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        return first
