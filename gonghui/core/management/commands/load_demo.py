"""``manage.py load_demo``: the demo world of gonghui/core/demo.py, then its logins."""

import importlib
import time
import unicodedata

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from gonghui.core.demo import (
    DEFAULT_GRASSROOTS,
    DEMO_PASSWORD,
    MAX_GRASSROOTS,
    DemoResult,
    build_demo,
)
from gonghui.core.errors import ApplicationError
from gonghui.orgs.models import Org


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_table(result: DemoResult) -> list[str]:
    names = dict(
        Org.objects.filter(code__in={c for lg in result.logins for c, _ in lg.roles}).values_list(
            "code", "name"
        )
    )
    rows = [("username", "password", "name", "role", "org")]
    for login in result.logins:
        for org_code, role in login.roles:
            rows.append(
                (
                    login.username,
                    DEMO_PASSWORD,
                    login.display_name,
                    str(role),
                    names.get(org_code, org_code),
                )
            )
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def app_demo_loaders() -> list:
    """Each app's ``<app>/demo.py`` with a ``load(*, progress)`` function, in ``ORDER``.

    An app adds its demo records without editing this command; ``load`` must be idempotent
    (a second ``make demo`` duplicates nothing) and write through the app's services.
    """
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gonghui.") or config.name == "gonghui.core":
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
    return sorted(modules, key=lambda module: getattr(module, "ORDER", 100))


class Command(BaseCommand):
    help = "Load the demo orgs and staff logins (idempotent: what exists is left alone)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--grassroots",
            type=int,
            default=DEFAULT_GRASSROOTS,
            help="how many made-up grassroots unions (default %(default)s)",
        )

    def handle(self, *args, grassroots: int, **options) -> None:
        if not 0 <= grassroots <= MAX_GRASSROOTS:
            raise CommandError(f"--grassroots must be between 0 and {MAX_GRASSROOTS}.")
        started = time.monotonic()
        try:
            result = build_demo(grassroots=grassroots, progress=self.stdout.write)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.fields or ''}".strip()) from exc
        self.stdout.write(
            f"orgs: {result.orgs_created} created, {result.orgs_skipped} already there; "
            f"staff: {result.users_created} created, {result.users_skipped} already there "
            f"({time.monotonic() - started:.1f} s)"
        )
        for module in app_demo_loaders():
            started = time.monotonic()
            summary = module.load(progress=self.stdout.write)
            self.stdout.write(f"{summary} ({time.monotonic() - started:.1f} s)")
        self.stdout.write("\nDemo logins (one password for all):\n")
        for line in login_table(result):
            self.stdout.write(line)
