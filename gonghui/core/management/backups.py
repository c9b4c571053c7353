"""Backing up and restoring the configured database, for the ``backup`` and ``restore``
commands (docs/operations.md).

SQLite goes through the online backup API on Django's own connection: the copy is a
consistent snapshot even while the app writes (WAL lets it read beside a writer), and the
same code serves a file database and the in-memory database of the test run. PostgreSQL
goes through ``pg_dump``/``pg_restore``; the password travels in PGPASSWORD, never on a
command line where ``ps`` would show it.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

SQLITE, POSTGRESQL = "sqlite", "postgresql"
MAGIC = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}
SUFFIX = {SQLITE: "sqlite3", POSTGRESQL: "dump"}
LABEL = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
# Tables a Gonghui database always has: a SQLite file without them is some other database.
REQUIRED_TABLES = {"django_migrations", "orgs_org", "core_auditevent"}


def vendor_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in SUFFIX:
        raise CommandError(f"Backups of {connection.vendor} databases are not supported.")
    return connection.vendor


def default_path(vendor: str) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"gonghui-{vendor}-{stamp}.{SUFFIX[vendor]}"


def output_path(vendor: str, output: str | None) -> Path:
    """``--output`` as given, a default file name inside it if it is a directory, or the
    default path under var/backups/."""
    if not output:
        return default_path(vendor)
    path = Path(output)
    return path / default_path(vendor).name if path.is_dir() else path


def kind_of_file(path: Path) -> str | None:
    """Which database wrote this backup, from its first bytes; None if neither."""
    with path.open("rb") as handle:
        head = handle.read(16)
    return next((vendor for vendor, magic in MAGIC.items() if head.startswith(magic)), None)


def check_backup_file(path: Path, vendor: str) -> None:
    """Refuse a missing file or one made for the other kind of database, before anything
    is touched."""
    if not path.is_file():
        raise CommandError(f"No backup file at {path}.")
    kind = kind_of_file(path)
    if kind is None:
        raise CommandError(
            f"{path} is neither a SQLite database nor a pg_dump custom-format "
            "archive; is it a Gonghui backup?"
        )
    if kind != vendor:
        raise CommandError(
            f"{path} is a {LABEL[kind]} backup but the configured database is "
            f"{LABEL[vendor]}; restore it into a {LABEL[kind]} database "
            "(set DATABASE_URL) instead."
        )


def _write_atomically(dest: Path, write) -> None:
    """Write to a temporary name and rename, so a failed backup never looks like a good one."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        write(partial)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


# SQLite


def _raw_sqlite(connection: BaseDatabaseWrapper) -> sqlite3.Connection:
    connection.ensure_connection()
    return connection.connection


def sqlite_backup(connection: BaseDatabaseWrapper, dest: Path) -> None:
    def write(path: Path) -> None:
        target = sqlite3.connect(path)
        try:
            _raw_sqlite(connection).backup(target)
            # The live database runs in WAL mode; a backup is one self-contained file.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()

    _write_atomically(dest, write)


def _open_sqlite_backup(path: Path) -> sqlite3.Connection:
    """Open a backup file, checking it is a whole, readable Gonghui database."""
    source = sqlite3.connect(path)
    try:
        source.execute("PRAGMA query_only=ON")
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise CommandError(f"{path} is a damaged SQLite database (quick_check failed).")
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        source.close()
        raise CommandError(f"{path} cannot be read as a SQLite database: {exc}") from exc
    except CommandError:
        source.close()
        raise
    if not REQUIRED_TABLES <= tables:
        source.close()
        raise CommandError(
            f"{path} is a SQLite database but not a Gonghui one "
            f"(no {', '.join(sorted(REQUIRED_TABLES - tables))})."
        )
    return source


def sqlite_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    """Copy the backup over the live database, page by page, under SQLite's own locks:
    other processes wait for the copy and then see the restored data."""
    source = _open_sqlite_backup(path)
    try:
        if connection.in_atomic_block:
            raise CommandError("Cannot restore inside a transaction.")
        connection.close()  # drop whatever this process had cached of the old data
        source.backup(_raw_sqlite(connection))
    except sqlite3.Error as exc:
        raise CommandError(f"Restore failed, the database is unchanged: {exc}") from exc
    finally:
        source.close()
        connection.close()


# PostgreSQL


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"{name} not found: install the PostgreSQL client tools "
            "(Debian: postgresql-client), the server's major version or newer."
        )
    return path


def _pg_connection_args(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for the pg tools; the password only in the env."""
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    return args + ["--dbname", settings_dict["NAME"]], env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CommandError(
            f"{what} failed ({Path(command[0]).name} exit {done.returncode}):\n"
            f"{done.stderr.strip()[-2000:]}"
        )


def pg_backup(connection: BaseDatabaseWrapper, dest: Path) -> None:
    args, env = _pg_connection_args(connection.settings_dict)
    tool = _pg_tool("pg_dump")
    _write_atomically(
        dest,
        lambda path: _run([tool, "--format=custom", "--file", str(path), *args], env, "Backup"),
    )


def pg_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    """Drop and recreate every object in the archive, in one transaction: a failed restore
    leaves the database as it was. Dropping tables bypasses the audit log's row triggers."""
    args, env = _pg_connection_args(connection.settings_dict)
    tool = _pg_tool("pg_restore")
    connection.close()  # our own idle connection must not hold locks the DROPs wait for
    _run(
        [tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(path)],
        env,
        "Restore",
    )


def backup(connection: BaseDatabaseWrapper, dest: Path) -> None:
    (sqlite_backup if vendor_of(connection) == SQLITE else pg_backup)(connection, dest)


def restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    (sqlite_restore if vendor_of(connection) == SQLITE else pg_restore)(connection, path)


def describe(connection: BaseDatabaseWrapper) -> str:
    """The database in words for prompts and messages, without credentials."""
    sd = connection.settings_dict
    if connection.vendor == SQLITE:
        return f"SQLite database {sd['NAME']}"
    host = sd.get("HOST") or "local socket"
    return f"PostgreSQL database {sd['NAME']} on {host}:{sd.get('PORT') or 5432}"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
