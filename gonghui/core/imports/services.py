"""Starting, committing and discarding imports: each a use case, scoped and audited. The
work itself runs as a background task (core/tasks.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError, NotFoundError
from gonghui.core.imports.pipeline import check_committable, errors_path, job_dir
from gonghui.core.imports.reading import check_suffix
from gonghui.core.imports.spec import import_spec
from gonghui.core.models import ImportJob, ImportState
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope

EXISTING_CHOICES = ("update", "skip")


def _store_upload(job: ImportJob, upload, suffix: str) -> Path:
    folder = job_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"source{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        if hasattr(upload, "chunks"):
            for piece in upload.chunks():
                out.write(piece)
        else:
            shutil.copyfileobj(upload, out)
    return path


def import_start(
    *,
    scope: Scope,
    kind: str,
    org,
    upload,
    file_name: str,
    mapping: dict | None = None,
    enqueue: bool = True,
) -> ImportJob:
    """Save the uploaded file and queue its check (the dry run); ``enqueue=False`` leaves
    running it to the caller (the CLI runs it in its own process)."""
    from gonghui.core.tasks import validate_import

    scope.require(Perm.EDIT, org)
    import_spec(kind)  # an unknown kind is a programming error, not the user's
    suffix = check_suffix(file_name)
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise ApplicationError(
            _("The file is larger than %(mb)s MB.") % {"mb": settings.IMPORT_MAX_BYTES >> 20}
        )
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            org=org,
            created_by=scope.user if scope.user.pk else None,
            acting_role_id=scope.acting.role_id if scope.acting and scope.user.pk else None,
            file_name=Path(file_name).name[:255],
            mapping=mapping or {},
        )
        job.stored_file = str(_store_upload(job, upload, suffix))
        job.save(update_fields=["stored_file"])
        audit_record(
            action="import.start",
            scope=scope,
            org=org,
            target=job,
            extra={"kind": kind, "file": job.file_name},
        )
        if enqueue:
            transaction.on_commit(lambda: validate_import.enqueue(job.pk))
    return job


def import_recheck(*, scope: Scope, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Check the same file again with the user's choice of columns."""
    from gonghui.core.tasks import validate_import

    scope.require(Perm.EDIT, job.org)
    if job.state not in {ImportState.VALIDATED, ImportState.FAILED}:
        raise ConflictError(_("This import cannot be checked again now."))
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            mapping=mapping,
            state=ImportState.QUEUED,
            existing="",  # a check, not a commit, is what waits now
            message="",
            updated_at=timezone.now(),
        )
        audit_record(
            action="import.recheck",
            scope=scope,
            org=job.org,
            target=job,
            extra={"mapping": mapping},
        )
        transaction.on_commit(lambda: validate_import.enqueue(job.pk))
    job.refresh_from_db()
    return job


def import_commit(
    *,
    scope: Scope,
    job: ImportJob,
    only_good: bool,
    existing: str = "update",
    enqueue: bool = True,
) -> ImportJob:
    """Queue the commit of a checked import (all rows, or only the good ones).

    Audited here as well as when the commit finishes: the user who commits may not be the
    one who uploaded, and the finished commit is recorded in the uploader's name."""
    from gonghui.core.tasks import commit_import

    scope.require(Perm.EDIT, job.org)
    if existing not in EXISTING_CHOICES:
        raise ApplicationError(
            _("Choose whether to update or skip people already in the register."),
            fields={"existing": [_("Use update or skip.")]},
        )
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        check_committable(job, only_good=only_good)
        job.state, job.only_good, job.existing = ImportState.QUEUED, only_good, existing
        job.message = ""
        job.save(update_fields=["state", "only_good", "existing", "message"])
        audit_record(
            action="import.commit",
            scope=scope,
            org=job.org,
            target=job,
            extra={"kind": job.kind, "only_good": only_good, "existing": existing},
        )
        if enqueue:
            transaction.on_commit(lambda: commit_import.enqueue(job.pk))
    return job


def import_discard(*, scope: Scope, job: ImportJob) -> ImportJob:
    scope.require(Perm.EDIT, job.org)
    if job.state not in {ImportState.VALIDATED, ImportState.FAILED}:
        raise ConflictError(_("Only a checked or failed import can be discarded."))
    with transaction.atomic():
        import_spec(job.kind).discard(job)
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportState.DISCARDED, updated_at=timezone.now()
        )
        audit_record(action="import.discard", scope=scope, org=job.org, target=job)
    Path(job.stored_file).unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def import_errors_download(*, scope: Scope, job: ImportJob) -> Path:
    """The workbook of rejected rows, for a user who may run imports there. It holds the
    rows as uploaded, personal data in plain text, so handing it out is an audited export."""
    scope.require(Perm.EDIT, job.org)
    path = errors_path(job)
    # kept after a commit of the good rows: fixing the rejected ones comes next
    if job.state not in {ImportState.VALIDATED, ImportState.COMMITTED} or not path.exists():
        raise NotFoundError(_("There is no workbook of rejected rows for this import."))
    with transaction.atomic():
        audit_record(
            action="import.errors_download",
            scope=scope,
            org=job.org,
            target=job,
            extra={"kind": job.kind, "rejected": (job.counts or {}).get("rejected", 0)},
        )
    return path
