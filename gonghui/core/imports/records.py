"""Imports of records created one by one through their app's services.

For kinds of a few thousand rows at most (stations, quiz questions) the speed of a staging
table and one INSERT ... SELECT is not needed; what matters is that each record goes through
the same service, checks and audit as one entered in the console. A ``RecordImport`` checks
rows into plain values (``parse_row``), keeps them as JSON (core.ImportStagedRow), and at
commit calls ``create`` (or ``update`` for a record already there) for each, all in the
commit's one transaction: a service refusing one row undoes the whole import.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.errors import ApplicationError
from gonghui.core.imports.cells import cell_text
from gonghui.core.imports.spec import Checked, ImportSpec
from gonghui.core.models import ImportStagedRow


class RowError(ValueError):
    """Raised by ``parse_row`` for a bad cell: (column key, reason)."""

    def __init__(self, column: str, reason) -> None:
        super().__init__(str(reason))
        self.column = column
        self.reason = reason


class RecordImport(ImportSpec):
    """Subclasses define ``columns``, ``parse_row``, ``existing``, ``create``, ``update``."""

    def parse_row(self, context: Any, values: dict[str, Any]) -> dict[str, Any]:
        """Plain, JSON-friendly values for the services; raise RowError for a bad cell (or
        return with ``context``-independent problems collected through ``row_errors``)."""
        raise NotImplementedError

    def key(self, data: dict[str, Any]) -> str | None:
        """A key for "the same record twice in one file" (None: no such rule)."""
        return None

    def existing(self, scope, data: dict[str, Any]):
        """The record already there that this row describes, or None."""
        return None

    def create(self, scope, job, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def update(self, scope, job, record, data: dict[str, Any]) -> None:
        raise NotImplementedError

    # The pipeline's side

    def check_rows(self, context, rows, index) -> list[Checked]:
        labels = {c.key: str(c.label) for c in self.columns}
        results = []
        for number, cells in rows:
            values = {key: cells[i] if i < len(cells) else None for key, i in index.items()}
            result = Checked(number)
            try:
                data = self.parse_row(context, values)
            except RowError as exc:
                result.issues.append((labels.get(exc.column, exc.column), str(exc.reason)))
            else:
                result.record = (number, data)
                result.key = self.key(data)
            results.append(result)
        return results

    def stage(self, job_id: int, records) -> None:
        ImportStagedRow.objects.bulk_create(
            [ImportStagedRow(job_id=job_id, row=row, data=data) for row, data in records]
        )

    def unstage(self, job_id: int, rows: list[int]) -> None:
        ImportStagedRow.objects.filter(job_id=job_id, row__in=rows).delete()

    def discard(self, job) -> None:
        ImportStagedRow.objects.filter(job_id=job.pk).delete()

    def commit(self, job, scope, *, existing: str) -> dict[str, int]:
        created = updated = 0
        for staged in ImportStagedRow.objects.filter(job_id=job.pk).order_by("row"):
            try:
                record = self.existing(scope, staged.data)
                if record is None:
                    self.create(scope, job, staged.data)
                    created += 1
                elif existing == "update":
                    self.update(scope, job, record, staged.data)
                    updated += 1
            except ApplicationError as exc:
                detail = "；".join(m for ms in exc.fields.values() for m in ms) or exc.message
                raise ApplicationError(
                    _("Row %(row)s: %(detail)s") % {"row": staged.row, "detail": detail}
                ) from exc
        return {"created": created, "updated": updated}

    def check_against_register(self, context, checked) -> int:
        scope = getattr(context, "scope", None)
        if scope is None:
            return 0
        return sum(1 for c in checked if c.record is not None and self.existing(scope, c.record[1]))


def text(values: dict[str, Any], key: str) -> str:
    return cell_text(values.get(key))
