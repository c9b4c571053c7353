"""Plain SQL for the few hot paths where building a query with the ORM costs more than running
it (a kit scan answers dozens of phones a second on two cores). Values still go through the
model fields' own preparation, so what is written is what ``Model.save()`` would write.
Elsewhere, use the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def insert_parts(instance: models.Model) -> tuple[str, str, list]:
    """``(table, "(col, ...)", values)`` to INSERT ``instance`` (its primary key left to the
    database), each value prepared by its field as ``save()`` does."""
    meta = instance._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    columns = "(" + ", ".join(quote(f.column) for f in fields) + ")"
    return quote(meta.db_table), columns, values


def insert(instance: M) -> M:
    """``instance.save(force_insert=True)`` in one plain statement (no signals are sent:
    for models that have no receivers)."""
    table, columns, values = insert_parts(instance)
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} {columns} VALUES ({marks}) RETURNING id", values)
        return mark_saved(instance, cursor.fetchone()[0])


def mark_saved(instance: M, pk) -> M:
    """``instance`` as if ``save()`` had inserted it with primary key ``pk``."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def fetch_brief(model: type[M], field_names: Sequence[str], where: str, params: list) -> M | None:
    """The first row of ``model`` matching ``where`` (SQL after WHERE, with ORDER BY if
    wanted), loaded with only ``field_names`` (plain columns: numbers and text); any
    other field is read from the database when first touched, as with ``.only()``."""
    meta = model._meta
    quote = connection.ops.quote_name
    wanted = {meta.get_field(name).attname for name in field_names}
    fields = [f for f in meta.concrete_fields if f.attname in wanted]  # from_db's order
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {where} LIMIT 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return model.from_db(connection.alias, [f.attname for f in fields], row)
