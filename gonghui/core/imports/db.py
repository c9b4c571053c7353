"""Writing many rows fast: COPY on PostgreSQL, one executemany on SQLite; and building a
table's indexes once after a big insert instead of row by row."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection


def copy_rows(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    if not rows:
        return
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3: COPY streams rows without building SQL
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})", rows
            )


# PostgreSQL's COPY text format: tab-separated, \N for NULL, backslash escapes.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def copy_value(value) -> str:
    """One value as COPY's text format writes it (worker processes build whole lines, so
    the process holding the connection only joins them)."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str or isinstance(value, str):  # choices are str subclasses
        value = str(value)
        return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(value) else value
    if kind is bytes:
        return "\\\\x" + value.hex()
    if kind is bool:
        return "t" if value else "f"
    if kind in (int, float):
        return str(value)
    return value.isoformat()  # date, datetime


def copy_text_value(value: str) -> str:
    return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(value) else value


def copy_line(values) -> str:
    return "\t".join(map(copy_value, values))


def copy_text(table: str, columns: Sequence[str], text: str) -> None:
    """Lines already in COPY text format (PostgreSQL only)."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
        ) as copy:
            copy.write(text)


@contextmanager
def indexes_rebuilt(table: str, *, keep_unique: bool = False) -> Iterator[None]:
    """Drop the table's secondary indexes, unique constraints and foreign keys, run the
    block, then build them again, all in the caller's transaction (PostgreSQL only).

    Building an index from sorted rows is several times faster than inserting a million
    rows into ten indexes one by one, and checking a foreign key once for the whole table
    (one join) than once per row; the price is an exclusive lock on the table while the
    block runs. A constraint comes back by being checked over every row, which fails on a
    duplicate or a dangling reference and so rolls the whole transaction back: the database
    still enforces it. ``keep_unique`` leaves unique constraints in place (the block looks
    rows up by them).
    """
    assert connection.in_atomic_block, "indexes_rebuilt must run inside a transaction"
    with connection.cursor() as cursor:
        kinds = "('f')" if keep_unique else "('f', 'u')"
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            f"WHERE conrelid = %s::regclass AND contype IN {kinds} ORDER BY contype DESC",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
            "AND c.contype IN ('p', 'u', 'x'))",
            [table],
        )
        indexes = cursor.fetchall()
        quoted = connection.ops.quote_name(table)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks may block a drop
        for name, _definition in constraints:
            cursor.execute(
                f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}"
            )
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # Django's foreign keys are checked at commit; pending checks would block the build
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            constraint = connection.ops.quote_name(name)
            cursor.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {constraint} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
