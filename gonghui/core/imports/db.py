"""Writing many rows fast: COPY on PostgreSQL, one executemany on SQLite."""

from __future__ import annotations

from collections.abc import Sequence

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
