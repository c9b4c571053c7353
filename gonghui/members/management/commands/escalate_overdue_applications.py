"""``manage.py escalate_overdue_applications``: record every overdue membership application's
escalation to the union above (and further up as it stays undecided), once each, audited.
Run it daily from cron; ``--enqueue`` hands the run to the task worker (db_worker) instead."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.context import CLI_META, reset_meta, set_meta
from gonghui.members.services import applications_escalate


class Command(BaseCommand):
    help = "Record the escalations of overdue membership applications (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="count as if today were this date (YYYY-MM-DD)")
        parser.add_argument(
            "--enqueue", action="store_true", help="queue it for the task worker (db_worker)"
        )

    def handle(self, *args, today: str | None = None, enqueue: bool = False, **options) -> None:
        if enqueue:
            from gonghui.members.tasks import escalate_overdue_applications

            result = escalate_overdue_applications.enqueue()
            self.stdout.write(f"Queued for the task worker: {result.id}")
            return
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today: {exc}") from exc

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"\roverdue applications {done}/{total}", ending="")

        token = set_meta(CLI_META)
        try:
            created = applications_escalate(today=day, progress=progress)
        finally:
            reset_meta(token)
        self.stderr.write("")
        self.stdout.write(f"{created} new escalations recorded.")
