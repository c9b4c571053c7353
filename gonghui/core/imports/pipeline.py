"""Running an import: check every row (the dry run), then commit. Called by the background
tasks (core/tasks.py) and the CLI commands; both pass a ``progress`` callback.

Checking streams the sheet in chunks: each chunk is checked (in worker processes for big
files), duplicates within the file and conflicts with the register are found, good rows are
staged (protected, never plain), bad rows are kept for the errors workbook. Nothing reaches
the register until ``commit_job``, which runs in one transaction: an import killed half-way
leaves no partial rows.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.imports.columns import find_header_row, match_columns
from gonghui.core.imports.errors_workbook import write_errors_workbook
from gonghui.core.imports.pieces import Piece
from gonghui.core.imports.reading import (
    HEADER_SEARCH_ROWS,
    Batch,
    cells_of_rows,
    open_sheet,
    rows_of,
)
from gonghui.core.imports.spec import ImportSpec, import_spec
from gonghui.core.models import ImportIssue, ImportJob, ImportState
from gonghui.core.scope import Scope, scope_for_user, system_scope

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (phase, done, total)
CHUNK_ROWS = 4000
MAX_KEPT_REJECTS = 100_000  # rejected rows kept for the errors workbook
PROGRESS_EVERY_S = 0.5


def _quiet(phase: str, done: int, total: int) -> None:
    pass


def job_dir(job: ImportJob) -> Path:
    return Path(settings.VAR_DIR) / "imports" / str(job.pk)


def errors_path(job: ImportJob) -> Path:
    return job_dir(job) / "errors.xlsx"


def job_scope(job: ImportJob) -> Scope:
    """The importer's scope as it is now (a role revoked meanwhile no longer counts)."""
    if job.created_by is None:
        return system_scope(job.org)
    return scope_for_user(job.created_by, acting_role_id=job.acting_role_id)


def _save(job: ImportJob, **fields) -> None:
    """Progress and state are written at once (outside any transaction), so the console
    and the API see them while the task runs."""
    fields["updated_at"] = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


# Checking (dry run)


def validate_job(job_id: int, progress: Progress = _quiet) -> ImportJob:
    job = ImportJob.objects.select_related("created_by", "org").get(pk=job_id)
    spec = import_spec(job.kind)
    try:
        _validate(job, spec, progress)
    except ApplicationError as exc:
        spec.discard(job)
        _save(job, state=ImportState.FAILED, message=exc.message[:500])
    except Exception:
        logger.exception("import %s failed while checking", job.pk)
        spec.discard(job)
        _save(job, state=ImportState.FAILED, message=_("The import failed; nothing was imported."))
        raise
    return job


@dataclass
class OpenedSheet:
    headers: list
    header_number: int
    index: dict[str, int]
    batches: Iterator[Batch]  # the data rows (core.imports.reading)
    total: int  # data rows, roughly (blank rows included)

    @property
    def rows(self) -> Iterator[tuple[int, list]]:
        return rows_of(self.batches)


def open_job_sheet(job: ImportJob, spec: ImportSpec) -> OpenedSheet:
    """Read the uploaded sheet, find its header row and our columns in it."""
    started = time.monotonic()
    sheet = open_sheet(Path(job.stored_file), job.file_name)
    logger.info("import %s: read the sheet in %.1f s", job.pk, time.monotonic() - started)
    batches = sheet.batches
    rows = iter(next(batches, ()))
    head = list(islice(rows, HEADER_SEARCH_ROWS))
    found = find_header_row(head, spec.columns, job.mapping)
    header_number, headers = found if found else (0, [])
    index = match_columns(headers, spec.columns, job.mapping)
    missing = [str(c.label) for c in spec.columns if c.required and c.key not in index]
    if not found or missing:
        raise ApplicationError(
            _(
                "Columns not found: %(columns)s. Check the header row, or choose which column "
                "holds them."
            )
            % {"columns": "、".join(missing or [str(spec.columns[0].label)])}
        )
    data = _data_batches(head[header_number:], rows, batches)
    return OpenedSheet(headers, header_number, index, data, max(sheet.total - header_number, 0))


class ProgressSaver:
    """Progress written to the job at most twice a second, and to the CLI's callback."""

    def __init__(self, job: ImportJob, opened: OpenedSheet, progress: Progress) -> None:
        self.job, self.opened, self.progress, self.last = job, opened, progress, 0.0

    def chunk_done(self, chunk: list | Piece) -> None:
        total = self.opened.total
        last = chunk.last_row if isinstance(chunk, Piece) else chunk[-1][0]
        done = min(max(last - self.opened.header_number, 0), total)
        if time.monotonic() - self.last > PROGRESS_EVERY_S or done == total:
            _save(self.job, progress_done=done)
            self.last = time.monotonic()
        self.progress("check", done, total)


def _validate(job: ImportJob, spec: ImportSpec, progress: Progress) -> None:
    scope = job_scope(job)
    started = time.monotonic()
    opened = open_job_sheet(job, spec)
    _save(
        job, state=ImportState.VALIDATING, progress_done=0, progress_total=opened.total, message=""
    )
    spec.discard(job)  # a re-check starts from nothing
    context = spec.prepare(job, scope)
    tally = Tally(spec)
    saver = ProgressSaver(job, opened, progress)
    chunks = processed_chunks(spec, context, job.pk, opened.batches, opened.index, opened.total)
    for chunk, (results, existing) in chunks:
        tally.add(chunk, results, existing)
        saver.chunk_done(chunk)
    if tally.unstage:
        spec.unstage(job.pk, tally.unstage)
    finish_validation(job, opened.headers, tally)
    logger.info(
        "import %s: checked %s rows in %.1f s", job.pk, tally.rows, time.monotonic() - started
    )


def _data_batches(head: list, rest: Iterator, batches: Iterator[Batch]) -> Iterator[Batch]:
    yield head
    yield rest
    yield from batches


def process_chunk(spec: ImportSpec, context, job_id: int, chunk, index) -> tuple[list, int]:
    """Check one chunk, hold it against the register, stage its good rows; return only
    (row, key, issues) per row and how many rows match existing records. Runs in a worker
    process for big files, so the parent never handles the protected records."""
    checked = spec.check_rows(context, chunk, index)
    existing = spec.check_against_register(context, checked)
    records = [c.record for c in checked if c.record is not None and not c.issues]
    if records:
        spec.stage(job_id, records)
    return [(c.row, c.key, c.issues) for c in checked], existing


def compact_key(key: object) -> int:
    """A duplicate key as a 128-bit int: a blind index (32 hex digits) is one already, any
    other key is hashed. A million keys take about 120 MB as ints, 170 MB as strings."""
    text = str(key)
    if len(text) == 32:
        try:
            return int(text, 16)
        except ValueError:
            pass
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=16).digest())


class Tally:
    """Counts, duplicate keys and rejected rows as the chunks come back, in row order."""

    def __init__(self, spec: ImportSpec) -> None:
        self.spec = spec
        self.rows = 0
        self.valid = 0
        self.existing = 0
        self.seen: dict[int, int] = {}  # compact_key -> first row
        self.unstage: list[int] = []  # staged rows later found to repeat an earlier row
        self.issues: list[tuple[int, str, str]] = []
        # cells are None for rows of a piece checked elsewhere, until fill_cells
        self.rejected_cells: list[tuple[int, list | None, str]] = []

    def add(self, chunk: list[tuple[int, list]] | Piece, results: list, existing: int) -> None:
        """``results``: (row, key, issues) per row; staged rows that repeat an earlier row
        are listed in ``unstage``."""
        rows = [row for row, _key, _issues in results]
        keys = [None if key is None else compact_key(key) for _row, key, _issues in results]
        issues = {i: found for i, (_row, _key, found) in enumerate(results) if found}
        repeated = self.add_columns(chunk, rows, keys, issues, existing)
        self.unstage.extend(rows[i] for i in sorted(repeated) if not results[i][2])

    def add_columns(
        self,
        chunk: list[tuple[int, list]] | Piece,
        rows: list[int],
        keys: list[int | None],
        issues: dict[int, list[tuple[str, str]]],
        existing: int,
    ) -> set[int]:
        """One chunk's rows, their compact keys and the issues of bad ones by index (added
        to here); returns the indexes of good rows that repeat an earlier row."""
        self.existing += existing
        self.rows += len(rows)
        seen = self.seen
        repeated = set()
        for i, key in enumerate(keys):
            if key is None:
                continue
            row = rows[i]
            first = seen.setdefault(key, row)
            if first != row:
                if i not in issues:
                    repeated.add(i)
                issues[i] = [
                    *issues.get(i, ()),
                    (
                        self.spec.duplicate_column,
                        _("Same as row %(row)s: the person appears twice in the file.")
                        % {"row": first},
                    ),
                ]
        self.valid += len(rows) - len(issues)
        if issues:
            self._rejected(chunk, rows, issues)
        return repeated

    def _rejected(self, chunk, rows: list[int], issues: dict[int, list]) -> None:
        cells_by_row = {} if isinstance(chunk, Piece) else dict(chunk)
        for i in sorted(issues):
            row = rows[i]
            self.issues.extend((row, column, reason) for column, reason in issues[i])
            if len(self.rejected_cells) < MAX_KEPT_REJECTS:
                reasons = "；".join(f"{col}：{why}" if col else why for col, why in issues[i])
                self.rejected_cells.append((row, cells_by_row.get(row), reasons))

    def fill_cells(self, job: ImportJob) -> None:
        """Read the cells of rejected rows that were checked without them at hand."""
        wanted = {row for row, cells, _why in self.rejected_cells if cells is None}
        if not wanted:
            return
        found = cells_of_rows(Path(job.stored_file), job.file_name, wanted)
        self.rejected_cells = [
            (row, found.get(row, []) if cells is None else cells, why)
            for row, cells, why in self.rejected_cells
        ]


def finish_validation(job: ImportJob, headers: list, tally: Tally, **extra) -> None:
    ImportIssue.objects.filter(job=job).delete()
    ImportIssue.objects.bulk_create(
        (
            ImportIssue(job=job, row=r, column=c[:100], reason=why[:300])
            for r, c, why in tally.issues
        ),
        batch_size=2000,
    )
    if tally.rejected_cells:
        tally.fill_cells(job)
        write_errors_workbook(errors_path(job), headers, tally.rejected_cells)
    rejected = tally.rows - tally.valid
    counts = {
        "rows": tally.rows,
        "valid": tally.valid,
        "rejected": rejected,
        "existing": tally.existing,
        "created": 0,
        "updated": 0,
        "skipped": 0,
    }
    fields = {"state": ImportState.VALIDATED, "progress_done": job.progress_total, **extra}
    _save(job, counts={**counts, **fields.pop("counts", {})}, **fields)


def _non_empty(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    # any(): "", None (and a lone 0) are empty cells; a row of nothing but those is skipped
    return ((number, cells) for number, cells in rows if any(cells))


def _chunks(rows: Iterator[tuple[int, list]]) -> Iterator[list[tuple[int, list]]]:
    rows = _non_empty(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def _tasks(batches: Iterator[Batch]) -> Iterator[list[tuple[int, list]] | Piece]:
    """What the worker processes are sent: a piece whole (they read it), rows in chunks."""
    for batch in batches:
        if isinstance(batch, Piece):
            yield batch
        else:
            yield from _chunks(iter(batch))


class ChunkRunner:
    """Runs ``work`` (by default process_chunk) on each chunk of rows, in file order: in this
    process for small files, in a pool of worker processes (one per core) for big ones.

    The pool is forked on entering, before the caller opens any transaction: a worker
    forked while this process holds a database connection could disturb it on exit."""

    def __init__(self, spec, context, job_id, index, total, work=None) -> None:
        self.work = work or process_chunk
        self.args = (spec, context, job_id)
        self.index = index
        self.workers = min(os.cpu_count() or 1, settings.IMPORT_MAX_WORKERS)
        self.parallel = (
            total >= settings.IMPORT_PARALLEL_MIN_ROWS
            and self.workers > 1
            and not connection.in_atomic_block
            # an in-memory SQLite database (the test run) does not exist in other processes
            and not (connection.vendor == "sqlite" and connection.is_in_memory_db())
        )
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ChunkRunner:
        if not self.parallel:
            return self
        connections.close_all()  # forked workers must open connections of their own
        # Objects alive now are shared with the workers: frozen, the collector neither
        # walks them on every collection nor copies their pages by touching them.
        gc.freeze()
        self.pool = ProcessPoolExecutor(
            self.workers,
            mp_context=get_context("fork"),
            initializer=_init_worker,
            initargs=(self.work, *self.args, self.index),
        )
        # the first task starts every worker (with fork, all at once): do it now
        self.pool.submit(int).result()
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            gc.unfreeze()

    def run(self, batches: Iterator[Batch]):
        """(chunk, result) in file order; a chunk is a list of rows or a Piece."""
        if self.pool is None:
            for chunk in _chunks(rows_of(batches)):
                yield chunk, self.work(*self.args, chunk, self.index)
            return
        pending: deque = deque()
        for chunk in _tasks(batches):
            process = _process_piece_in_worker if isinstance(chunk, Piece) else _process_in_worker
            pending.append((chunk, self.pool.submit(process, chunk)))
            if len(pending) > self.workers * 2:
                chunk, future = pending.popleft()
                yield chunk, future.result()
        while pending:
            chunk, future = pending.popleft()
            yield chunk, future.result()


def processed_chunks(spec, context, job_id, rows, index, total, work=None):
    with ChunkRunner(spec, context, job_id, index, total, work) as runner:
        yield from runner.run(rows)


_worker_state: tuple | None = None


def _init_worker(work, spec, context, job_id, index) -> None:
    global _worker_state
    _worker_state = (work, spec, context, job_id, index)


def _process_in_worker(chunk):
    work, spec, context, job_id, index = _worker_state
    return work(spec, context, job_id, chunk, index)


def _process_piece_in_worker(piece: Piece):
    rows = [row for row in piece.rows() if any(row[1])]
    return _process_in_worker(rows)


# Commit


def commit_job(job_id: int, progress: Progress = _quiet) -> ImportJob:
    """Copy the staged rows into the register in one transaction; audited once."""
    job = ImportJob.objects.select_related("created_by", "org").get(pk=job_id)
    spec = import_spec(job.kind)
    scope = job_scope(job)
    _save(job, state=ImportState.COMMITTING, progress_done=0, progress_total=1)
    progress("commit", 0, 1)
    try:
        with transaction.atomic():
            counts = spec.commit(job, scope, existing=job.existing)
            counts = {**job.counts, **counts}
            counts["skipped"] = counts["valid"] - counts["created"] - counts["updated"]
            audit_record(
                action=f"{job.kind}.import",
                scope=scope,
                org=job.org,
                target=job,
                extra={"file": job.file_name, **counts, "existing": job.existing},
            )
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportState.COMMITTED,
                counts=counts,
                progress_done=1,
                updated_at=timezone.now(),
            )
    except ApplicationError as exc:
        _save(job, state=ImportState.VALIDATED, message=exc.message[:500])
        raise
    except IntegrityError as exc:
        # another import registered some of the same people between our check and commit:
        # the unique index refused them, and with them this whole commit
        message = _(
            "Some of these people were registered by another import meanwhile; "
            "nothing was imported. Commit again to update or skip them."
        )
        _save(job, state=ImportState.VALIDATED, message=message)
        raise ConflictError(message) from exc
    except Exception:
        logger.exception("import %s failed while committing", job.pk)
        _save(job, state=ImportState.FAILED, message=_("The import failed; nothing was imported."))
        raise
    job.refresh_from_db()
    spec.discard(job)
    Path(job.stored_file).unlink(missing_ok=True)
    progress("commit", 1, 1)
    return job


def check_committable(job: ImportJob, *, only_good: bool) -> None:
    """All-or-nothing unless the user chose to import only the good rows."""
    if job.state != ImportState.VALIDATED:
        raise ConflictError(_("This import is not ready to be committed."))
    counts = job.counts or {}
    if counts.get("rejected") and not only_good:
        raise ApplicationError(
            _(
                "%(n)s rows have errors, so nothing was imported. Fix them and upload the file "
                "again, or choose to import only the good rows."
            )
            % {"n": counts["rejected"]}
        )
    if not counts.get("valid"):
        raise ApplicationError(_("There are no good rows to import."))
