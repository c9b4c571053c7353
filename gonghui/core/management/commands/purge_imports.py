"""``manage.py purge_imports``: delete the files old imports left on disk (the uploaded
spreadsheet and the rejected-rows workbook, both holding personal data as uploaded) and the
staged rows of imports never committed. Run it daily from cron."""

import shutil
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from gonghui.core.imports.pipeline import job_dir
from gonghui.core.imports.spec import import_spec
from gonghui.core.models import ImportJob, ImportState


class Command(BaseCommand):
    help = "Delete the files and staged rows of imports older than --days (default 7)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days: int, **options) -> None:
        cutoff = timezone.now() - timedelta(days=days)
        old = ImportJob.objects.filter(updated_at__lt=cutoff)
        purged = 0
        for job in old.iterator():
            if job.state not in {ImportState.COMMITTED, ImportState.DISCARDED}:
                import_spec(job.kind).discard(job)
            folder = job_dir(job)
            if folder.exists():
                shutil.rmtree(folder)
                purged += 1
        self.stdout.write(f"Removed the files of {purged} imports older than {days} days.")
