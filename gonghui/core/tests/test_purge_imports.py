from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from gonghui.core.imports.pipeline import job_dir
from gonghui.core.models import ImportJob


def test_old_import_files_are_removed_and_recent_ones_kept(world):
    old = ImportJob.objects.create(kind="workers", org=world.org("bj-dc-lt"), file_name="a.xlsx")
    new = ImportJob.objects.create(kind="workers", org=world.org("bj-dc-lt"), file_name="b.xlsx")
    for job in (old, new):
        job_dir(job).mkdir(parents=True)
        (job_dir(job) / "source.xlsx").write_bytes(b"x")
    ImportJob.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=8))
    call_command("purge_imports", stdout=StringIO())
    assert not job_dir(old).exists() and job_dir(new).exists()
