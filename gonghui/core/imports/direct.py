"""Check and commit in one pass (``import_<kind> FILE --commit``), for kinds that can load
checked rows straight into their register.

The two-step flow (check, look at the result, then commit) stages the checked rows and
copies them at commit. When the operator asks for the commit up front there is nothing to
look at in between, so the checked rows go straight into the register inside one
transaction that stays open for the whole file; rejected rows (unless only the good ones
were asked for) roll everything back, so it is all-or-nothing as before, and an import
killed half-way leaves no rows. Issues, counts and the rejected-rows workbook are recorded
on the job either way.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.imports.pipeline import (
    ChunkRunner,
    Progress,
    ProgressSaver,
    Tally,
    _quiet,
    _save,
    compact_key,
    finish_validation,
    job_scope,
    open_job_sheet,
)
from gonghui.core.imports.spec import ImportSpec, import_spec
from gonghui.core.models import ImportJob, ImportState

logger = logging.getLogger(__name__)


class _Refused(Exception):
    """Bad rows and an all-or-nothing import: leave the transaction, keep the tally."""


class DirectChunk(NamedTuple):
    """A checked chunk as it travels back to the loading process: per row its number and
    duplicate key (compact_key), the issues of bad rows by index, and the spec's payload."""

    rows: list[int]
    keys: list[int | None]
    issues: dict[int, list[tuple[str, str]]]
    existing: int  # rows whose person the register holds
    payload: Any


def check_chunk(spec: ImportSpec, context, job_id: int, chunk, index) -> DirectChunk:
    """The worker processes' part: the row checks and the register check (for a big load
    against the snapshot prepare_direct took; the load's transaction locks the table)."""
    checked = spec.check_rows(context, chunk, index)
    existing = spec.check_against_register(context, checked)
    return DirectChunk(
        [c.row for c in checked],
        [None if c.key is None else compact_key(c.key) for c in checked],
        {i: c.issues for i, c in enumerate(checked) if c.issues},
        existing,
        spec.direct_payload(context, checked),
    )


def supports_direct(kind: str) -> bool:
    return type(import_spec(kind)).direct_loader is not ImportSpec.direct_loader


def import_directly(
    job_id: int, *, only_good: bool, existing: str, progress: Progress = _quiet
) -> ImportJob:
    job = ImportJob.objects.select_related("created_by", "org").get(pk=job_id)
    spec = import_spec(job.kind)
    scope = job_scope(job)
    started = time.monotonic()
    opened = open_job_sheet(job, spec)
    _save(
        job,
        state=ImportState.COMMITTING,
        progress_done=0,
        progress_total=opened.total,
        existing=existing,
        only_good=only_good,
        message="",
    )
    context = spec.prepare_direct(spec.prepare(job, scope), expected_rows=opened.total)
    tally = Tally(spec)
    outcome: dict = {}
    runner = ChunkRunner(spec, context, job.pk, opened.index, opened.total, work=check_chunk)
    try:
        with runner, transaction.atomic():
            _load(job, spec, scope, runner, opened, tally, outcome, progress)
    except _Refused:
        message = _(
            "%(n)s rows have errors, so nothing was imported. Fix them and upload the file "
            "again, or choose to import only the good rows."
        ) % {"n": tally.rows - tally.valid}
        finish_validation(job, opened.headers, tally, state=ImportState.FAILED, message=message)
        raise ApplicationError(message) from None
    except IntegrityError as exc:
        message = _(
            "Some of these people were registered by another import meanwhile; "
            "nothing was imported. Run the import again."
        )
        finish_validation(job, opened.headers, tally, state=ImportState.FAILED, message=message)
        raise ConflictError(message) from exc
    finish_validation(job, opened.headers, tally, state=ImportState.COMMITTED, counts=outcome)
    Path(job.stored_file).unlink(missing_ok=True)
    logger.info(
        "import %s: checked and committed %s rows in %.1f s",
        job.pk,
        tally.rows,
        time.monotonic() - started,
    )
    job.refresh_from_db()
    return job


def _load(job, spec, scope, runner, opened, tally, outcome, progress) -> None:
    context = runner.args[1]
    loader = spec.direct_loader(
        job, scope, context=context, existing=job.existing, expected_rows=opened.total
    )
    saver = ProgressSaver(job, opened, progress)
    for chunk, checked in runner.run(opened.batches):
        rows, keys, issues, existing, payload = checked
        repeated = tally.add_columns(chunk, rows, keys, issues, existing)
        loader.load(payload, repeated)
        saver.chunk_done(chunk)
    if tally.rows > tally.valid and not job.only_good:
        raise _Refused
    counts = loader.finish()
    outcome.update(counts, skipped=tally.valid - counts["created"] - counts["updated"])
    audit_record(
        action=f"{job.kind}.import",
        scope=scope,
        org=job.org,
        target=job,
        extra={
            "file": job.file_name,
            "rows": tally.rows,
            "valid": tally.valid,
            "rejected": tally.rows - tally.valid,
            **outcome,
            "existing": job.existing,
        },
    )
