"""django-import-export importing the same spreadsheet into an equivalent model with the same
checks (the same normalisation, ID and mobile checks, encryption, blind indexes, masking and
org lookup), in its default mode and in its bulk mode, reading the file as it does (tablib).
"""

from __future__ import annotations

import time
from pathlib import Path

import tablib
from django.db import connection
from import_export import fields, resources, widgets

from bench.common.ie_app.models import BenchWorker
from gonghui.core.imports.columns import match_columns
from gonghui.core.scope import system_scope
from gonghui.members.imports import COLUMNS, WorkerImport

DERIVED = [
    "org_id",
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "id_number_enc",
    "id_number_index",
    "id_number_masked",
    "phone_enc",
    "phone_index",
    "phone_masked",
    "phone_tail",
    "employer_name",
    "employment_form",
    "membership_status",
    "joined_on",
]


class WorkerResource(resources.ModelResource):
    """Each row goes through WorkerImport's own row check (the one our pipeline runs), so
    both importers validate and protect exactly alike; the derived values become the row's
    columns, which the resource's fields then save."""

    def __init__(self, context, **kwargs):
        super().__init__(**kwargs)
        self.context = context
        self.spec = WorkerImport()
        self.index: dict[str, int] = {}

    def before_import(self, dataset, **kwargs):
        self.index = match_columns(dataset.headers, COLUMNS)
        self.headers = list(dataset.headers)
        for name in DERIVED:
            dataset.append_col([None] * len(dataset), header=f"_{name}")

    def before_import_row(self, row, **kwargs):
        cells = [row[h] for h in self.headers]
        [checked] = self.spec.check_rows(self.context, [(0, cells)], self.index)
        if checked.issues:
            raise ValueError("; ".join(reason for _column, reason in checked.issues))
        for name, value in zip(DERIVED, checked.record[1:], strict=True):
            row[f"_{name}"] = value


class AsIs(widgets.Widget):
    """The row check already produced the stored value (bytes, dates, enums)."""

    def clean(self, value, row=None, **kwargs):
        return value

    def render(self, value, obj=None, **kwargs):
        # the default mode diffs every row as text; ciphertext is shown as hex there
        return value.hex() if isinstance(value, (bytes, memoryview)) else str(value)


def resource_class(bulk: bool):
    attrs = {
        name: fields.Field(attribute=name, column_name=f"_{name}", widget=AsIs())
        for name in DERIVED
    }
    meta = {
        "model": BenchWorker,
        "fields": tuple(DERIVED),
        "import_id_fields": ("id_number_index",),
    }
    if bulk:
        # the bulk mode as its documentation recommends for large imports of new rows
        meta.update(use_bulk=True, batch_size=1000, skip_diff=True, force_init_instance=True)
    return type("BenchWorkerResource", (WorkerResource,), {**attrs, "Meta": type("Meta", (), meta)})


def _ensure_table() -> None:
    if BenchWorker._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:  # a bench-only model: no migrations
            editor.create_model(BenchWorker)


def import_with_ie(path: Path, root, *, bulk: bool) -> tuple[float, int]:
    _ensure_table()
    BenchWorker.objects.all().delete()
    started = time.perf_counter()
    with path.open("rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    context = WorkerImport().prepare(_FakeJob(root), system_scope(root))
    resource = resource_class(bulk)(context)
    result = resource.import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors(), result.row_errors()[:3]
    return seconds, BenchWorker.objects.count()


class _FakeJob:
    def __init__(self, org):
        self.org_id = org.pk
