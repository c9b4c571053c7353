"""Plain SQL for the few hot paths where building a query with the ORM costs more than running
it (a kit scan answers dozens of phones a second on two cores). Values still go through the
model fields' own preparation, so what is written is what ``Model.save()`` would write.
Elsewhere, use the ORM.

On PostgreSQL these statements go through a cursor that sends the values apart from the
statement (server-side binding): PostgreSQL then plans each statement once per connection
(psycopg prepares it after a few runs) and nothing is quoted into the SQL text, which halves
the database's work for such short statements. The rest of the project keeps Django's default
client-side binding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models

M = TypeVar("M", bound=models.Model)


def _db():
    return connections[DEFAULT_DB_ALIAS]


def cursor():
    """A cursor for a hot-path statement: server-side binding on PostgreSQL, wrapped like
    Django's own (errors become django.db errors, queries are logged when Django logs them)."""
    db = _db()
    if db.vendor != "postgresql":
        return db.cursor()
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors:
        raw = ServerBindingCursor(db.connection)
        tzloader = db.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if db.timezone != tzloader.timezone:  # as Django's own cursors do
            register_tzloader(db.timezone, raw)
        return db._prepare_cursor(raw)


def commit_relaxed() -> str:
    """A condition that is always true and, on PostgreSQL, lets the statement's own
    transaction (a statement run outside ``atomic``) commit without waiting for the disk:
    ``synchronous_commit`` off for that transaction only. A crash of the database server
    may then lose the last fraction of a second of such writes, never corrupt anything;
    so only for writes a person simply makes again (a draft answer, a texted code, a start),
    never for a submission, a hand-out or a sign-in. On this machine a commit that waits
    for the disk costs ~3 ms of a server process's time; one that doesn't, ~0.1 ms."""
    db = _db()
    if db.vendor == "postgresql" and not db.in_atomic_block:  # not someone else's commit
        return "set_config('synchronous_commit', 'off', true) IS NOT NULL"
    return "1 = 1"


@cache
def _insert_columns(model: type[models.Model], vendor: str) -> tuple[list, str, list[str]]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    db = _db()
    columns = "(" + ", ".join(db.ops.quote_name(f.column) for f in fields) + ")"
    if vendor == "postgresql":
        # Typed placeholders, so that INSERT ... SELECT knows each value's type (a NULL too);
        # without the length, so that a value too long fails as it would in VALUES.
        marks = ["%s::" + re.sub(r"\(.*\)", "", f.cast_db_type(db)) for f in fields]
    else:
        marks = ["%s"] * len(fields)
    return fields, columns, marks


def insert_parts(
    instance: models.Model, computed: dict[str, str] | None = None
) -> tuple[str, str, str, list]:
    """``(table, "(col, ...)", "%s, ...", values)`` to INSERT ``instance`` (its primary key
    left to the database), each value prepared by its field as ``save()`` does; the
    placeholders also serve ``INSERT ... SELECT``. ``computed`` gives some fields (by attname) an
    SQL expression instead of a value, such as a column of a CTE's row in
    ``INSERT ... SELECT ... FROM cte``."""
    db = _db()
    fields, columns, marks = _insert_columns(type(instance), db.vendor)
    computed = computed or {}
    values = [
        f.get_db_prep_save(f.pre_save(instance, True), db)
        for f in fields
        if f.attname not in computed
    ]
    if computed:
        marks = [computed.get(f.attname, mark) for f, mark in zip(fields, marks, strict=True)]
    return db.ops.quote_name(instance._meta.db_table), columns, ", ".join(marks), values


def insert_select(
    instance: models.Model, computed: dict[str, str] | None = None
) -> tuple[str, list]:
    """``("INSERT INTO table (col, ...) SELECT %s, ...", values)`` for ``instance``, to be
    completed with a FROM clause (a statement whose CTEs write several rows at once).
    ``computed`` maps a field's attname to an SQL expression written instead of its value
    (another CTE's column, such as ``handout.id``)."""
    table, columns, marks, values = insert_parts(instance, computed)
    return f"INSERT INTO {table} {columns} SELECT {marks}", values


def insert(instance: M, *, relaxed: bool = False) -> M:
    """``instance.save(force_insert=True)`` in one plain statement (no signals are sent:
    for models that have no receivers). ``relaxed``: see ``commit_relaxed``."""
    table, columns, marks, values = insert_parts(instance)
    rows = f"SELECT {marks} WHERE {commit_relaxed()}" if relaxed else f"VALUES ({marks})"
    with cursor() as c:
        c.execute(f"INSERT INTO {table} {columns} {rows} RETURNING id", values)
        return mark_saved(instance, c.fetchone()[0])


def mark_saved(instance: M, pk) -> M:
    """``instance`` as if ``save()`` had inserted it with primary key ``pk``."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
    return instance


def fetch_brief(model: type[M], field_names: Sequence[str], where: str, params: list) -> M | None:
    """The first row of ``model`` matching ``where`` (SQL after WHERE, with ORDER BY if
    wanted), loaded with only ``field_names`` (plain columns: numbers and text); any other
    field is read from the database when first touched, as with ``.only()``."""
    fields, select = _brief_select(model, field_names, where)
    with cursor() as c:
        c.execute(select, params)
        row = c.fetchone()
    return _brief_instance(model, fields, row)


def fetch_brief_beside(
    model: type[M],
    field_names: Sequence[str],
    where: str,
    params: list,
    beside: tuple[str, list],
) -> tuple[tuple, M | None]:
    """``fetch_brief`` and, in the same round trip, ``beside``: a SELECT of exactly one
    row (such as accounts' token_check_sql). Its row, and the instance or None."""
    fields, select = _brief_select(model, field_names, where)
    assert fields[0].primary_key, "the primary key comes first: NULL there means no row"
    beside_sql, beside_params = beside
    with cursor() as c:
        c.execute(
            f"SELECT * FROM ({beside_sql}) beside LEFT JOIN ({select}) found ON 1 = 1",
            [*beside_params, *params],
        )
        row = c.fetchone()
    width = len(row) - len(fields)
    found = row[width:]
    return row[:width], _brief_instance(model, fields, None if found[0] is None else found)


def _brief_select(model, field_names: Sequence[str], where: str) -> tuple[list, str]:
    meta = model._meta
    quote = _db().ops.quote_name
    wanted = {meta.get_field(name).attname for name in field_names}
    fields = [f for f in meta.concrete_fields if f.attname in wanted]  # from_db's order
    columns = ", ".join(quote(f.column) for f in fields)
    return fields, f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {where} LIMIT 1"


def _brief_instance(model, fields: list, row) -> models.Model | None:
    if row is None:
        return None
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in fields], row)
