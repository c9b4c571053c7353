"""Reads of imports, always through a Scope: the jobs of a subtree, one job, its issues, and
the header cells of its file (for choosing which column is which)."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

from django.db.models import QuerySet

from gonghui.core.errors import ApplicationError
from gonghui.core.imports.columns import likely_header_row, match_columns
from gonghui.core.imports.pipeline import job_dir
from gonghui.core.imports.reading import HEADER_SEARCH_ROWS, open_sheet
from gonghui.core.imports.spec import import_spec
from gonghui.core.models import ImportIssue, ImportJob, ImportState
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope, get_scoped

FIRST_ISSUES = 50


def import_list(scope: Scope, *, kind: str = "") -> QuerySet[ImportJob]:
    """Imports into the scope's subtree, newest first."""
    jobs = scope.filter(ImportJob.objects.select_related("org", "created_by"))
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs.order_by("-created_at", "-id")


def get_import_for(
    scope: Scope, importjob_id: int, *, perm: Perm = Perm.VIEW, kind: str = ""
) -> ImportJob:
    jobs = ImportJob.objects.select_related("org", "created_by")
    if kind:
        jobs = jobs.filter(kind=kind)
    return get_scoped(scope, jobs, perm=perm, pk=importjob_id)


def import_issues(job: ImportJob, *, limit: int | None = FIRST_ISSUES) -> list[ImportIssue]:
    """The rejected rows' reasons in row order; the first ``limit`` of them."""
    issues = ImportIssue.objects.filter(job=job).order_by("row", "id")
    return list(issues[:limit] if limit is not None else issues)


def import_issue_count(job: ImportJob) -> int:
    return ImportIssue.objects.filter(job=job).count()


def import_header_cells(job: ImportJob) -> list[str]:
    """The cells of the file's header row as the user wrote them, for mapping columns by
    hand; [] once the file is gone (imported or discarded) or unreadable.

    Reading a spreadsheet can take seconds for a big file, so the answer is kept beside it.
    """
    if job.state in {ImportState.COMMITTED, ImportState.DISCARDED} or not job.stored_file:
        return []
    cache = job_dir(job) / "headers.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    try:
        sheet = open_sheet(Path(job.stored_file), job.file_name)
        head = list(islice(sheet.rows, HEADER_SEARCH_ROWS))
    except (ApplicationError, OSError):
        return []
    found = likely_header_row(head, import_spec(job.kind).columns)
    cells = [str(c).strip() for c in found[1] if str(c).strip()] if found else []
    headers = list(dict.fromkeys(cells))  # a header written twice is one choice
    cache.write_text(json.dumps(headers, ensure_ascii=False), encoding="utf-8")
    return headers


def import_missing_columns(job: ImportJob, headers: list[str]) -> list:
    """The spec's required columns that neither the headers nor the user's mapping name."""
    spec = import_spec(job.kind)
    found = match_columns(headers, spec.columns, job.mapping)
    return [column for column in spec.columns if column.required and column.key not in found]


def import_guess_mapping(job: ImportJob, headers: list[str]) -> dict[str, str]:
    """{column key: header} as the pipeline reads the headers now, to preselect choices."""
    spec = import_spec(job.kind)
    found = match_columns(headers, spec.columns, job.mapping)
    return {key: headers[index] for key, index in found.items()}
