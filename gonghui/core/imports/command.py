"""The shared body of ``import_<kind>`` management commands: check a file, print the counts
and first errors, and commit when asked; a progress line on stderr while it runs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gonghui.core.context import CLI_META, reset_meta, set_meta
from gonghui.core.errors import ApplicationError
from gonghui.core.imports import pipeline
from gonghui.core.imports.direct import import_directly, supports_direct
from gonghui.core.imports.services import import_commit, import_start
from gonghui.core.models import ImportIssue, ImportState
from gonghui.core.scope import system_scope
from gonghui.orgs.models import Org

FIRST_ERRORS = 20


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="xlsx, xls, ods or csv")
        parser.add_argument("--org", required=True, help="code of the union the rows go to")
        parser.add_argument("--commit", action="store_true", help="import after checking")
        parser.add_argument(
            "--only-good", action="store_true", help="import the good rows even if some are bad"
        )
        parser.add_argument(
            "--existing",
            choices=["update", "skip"],
            default="update",
            help="people already in the register (same ID): update or skip",
        )

    def handle(
        self, *args, file: str, org: str, commit: bool, only_good: bool, existing: str, **options
    ) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        target = Org.objects.filter(code=org).first()
        if target is None:
            raise CommandError(f"No union with code {org!r}.")
        token = set_meta(CLI_META)
        try:
            self._run(path, target, commit=commit, only_good=only_good, existing=existing)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        finally:
            reset_meta(token)

    def _run(self, path: Path, org: Org, *, commit: bool, only_good: bool, existing: str):
        scope = system_scope(org)
        started = time.monotonic()
        with path.open("rb") as handle:
            job = import_start(
                scope=scope,
                kind=self.kind,
                org=org,
                upload=handle,
                file_name=path.name,
                enqueue=False,
            )
        if commit and supports_direct(self.kind):
            # nothing to look at between check and commit: one pass, one transaction
            try:
                job = import_directly(
                    job.pk, only_good=only_good, existing=existing, progress=self._progress
                )
            finally:
                self._clear_line()
                job.refresh_from_db()
                if job.counts:
                    self._report(job, time.monotonic() - started)
            self._imported(job, started)
            return
        job = pipeline.validate_job(job.pk, progress=self._progress)
        self._clear_line()
        if job.state == ImportState.FAILED:
            raise CommandError(job.message)
        self._report(job, time.monotonic() - started)
        if not commit:
            self.stdout.write(_("Dry run: nothing imported. Add --commit to import."))
            return
        import_commit(scope=scope, job=job, only_good=only_good, existing=existing, enqueue=False)
        job = pipeline.commit_job(job.pk, progress=self._progress)
        self._clear_line()
        self._imported(job, started)

    def _imported(self, job, started: float) -> None:
        self.stdout.write(
            _(
                "Imported: %(created)s created, %(updated)s updated, %(skipped)s skipped, "
                "%(rejected)s rejected (%(seconds).1f s)."
            )
            % {**job.counts, "seconds": time.monotonic() - started}
        )

    def _report(self, job, seconds: float) -> None:
        counts = job.counts
        self.stdout.write(
            _(
                "Checked %(rows)s rows in %(seconds).1f s: %(valid)s good, %(rejected)s "
                "rejected, %(existing)s already in the register."
            )
            % {**counts, "seconds": seconds}
        )
        for issue in ImportIssue.objects.filter(job=job)[:FIRST_ERRORS]:
            self.stdout.write(
                "  "
                + _("row %(row)s, %(column)s: %(reason)s")
                % {"row": issue.row, "column": issue.column, "reason": issue.reason}
            )
        if counts["rejected"]:
            self.stdout.write(
                _("Rejected rows and reasons: %(path)s") % {"path": pipeline.errors_path(job)}
            )

    def _progress(self, phase: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        label = {"check": _("checking"), "commit": _("importing")}[phase]
        sys.stderr.write(f"\r{label} {percent:3d}% {done}/{total} rows")
        sys.stderr.flush()

    def _clear_line(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
