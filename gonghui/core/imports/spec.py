"""What an app tells the pipeline about one kind of import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from gonghui.core.imports.columns import Column

_specs: dict[str, ImportSpec] = {}


@dataclass
class Checked:
    """One data row after checking: a record to stage, or the reasons it was rejected."""

    row: int
    record: tuple | None = None
    issues: list[tuple[str, str]] = field(default_factory=list)  # (column label, reason)
    key: str | None = None  # duplicates of this key within one file are rejected
    existing: bool = False  # the register already holds this record (set by the register check)
    line: str | None = None  # the record as a COPY text line, for direct loads (core/imports/db)


class ImportSpec:
    """Subclass per kind of record. ``check_rows`` must be pure (no database), because big
    files are checked in worker processes; everything it needs comes from ``prepare``."""

    kind: str = ""
    title: str | Promise = ""
    columns: Sequence[Column] = ()
    duplicate_column: str = ""  # the label of the column whose duplicates are rejected
    register_url_name: str = ""  # the console page listing the imported records

    def prepare(self, job, scope) -> Any:
        """Lookups the row checks need (orgs by name, ...), built once; must pickle."""
        return None

    def check_rows(
        self, context: Any, rows: list[tuple[int, list]], index: dict[str, int]
    ) -> list[Checked]:
        raise NotImplementedError

    def check_against_register(self, context: Any, checked: list[Checked]) -> int:
        """Add issues to rows the register refuses (e.g. the person belongs to a union
        outside the importer's scope); return how many rows match existing records.
        Runs beside ``check_rows`` (in a worker process for big files)."""
        return 0

    def stage(self, job_id: int, records: list[tuple]) -> None:
        """Keep checked records until the commit (in worker processes for big files)."""
        raise NotImplementedError

    def unstage(self, job_id: int, rows: list[int]) -> None:
        """Drop staged rows found later to repeat an earlier row of the file."""
        raise NotImplementedError

    def commit(self, job, scope, *, existing: str) -> dict[str, int]:
        """Copy the staged rows into the register; {"created", "updated", "skipped"}."""
        raise NotImplementedError

    def discard(self, job) -> None:
        raise NotImplementedError

    def prepare_direct(self, context: Any, *, expected_rows: int) -> Any:
        """The context for a direct load (e.g. asking check_rows for COPY lines), made
        before the worker processes start and before the load's transaction opens."""
        return context

    def direct_payload(self, context: Any, checked: list[Checked]) -> Any:
        """What the loader's ``load`` needs of checked rows (after check_against_register),
        made where they were checked (a worker process for big files), as small as it can
        be, since it travels to the loading process."""
        return checked

    def direct_loader(self, job, scope, *, context: Any, existing: str, expected_rows: int):
        """An object with ``load(payload, leave_out)`` (``leave_out``: indexes of rows in
        the payload's chunk to leave out, as repeating earlier rows) and ``finish() ->
        {"created", "updated"}`` that writes checked rows straight into the register inside
        the caller's transaction (``import_<kind> --commit``: one pass, no staging), or None
        if the kind has none."""
        return None

    def template_headers(self) -> list[str]:
        return [str(column.label) for column in self.columns]


def register_import(spec: ImportSpec) -> ImportSpec:
    _specs[spec.kind] = spec
    return spec


def import_spec(kind: str) -> ImportSpec:
    return _specs[kind]
