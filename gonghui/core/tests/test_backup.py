"""Backup and restore on whichever database the suite runs on (SQLite, or PostgreSQL with
DATABASE_URL set). On SQLite the test database lives in memory; the commands work on Django's
own connection through the backup API, so they need no file to exist."""

import re
import sqlite3
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.services import org_create, org_update

SUFFIX = {"sqlite": "sqlite3", "postgresql": "dump"}


def _state() -> dict:
    return {
        "orgs": sorted(Org.objects.values_list("code", "name", "path", "kind")),
        "users": sorted(User.objects.values_list("username", flat=True)),
        "audit": sorted(AuditEvent.objects.values_list("pk", "action")),
    }


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_the_data_as_it_was_at_backup_time(world, tmp_path):
    # given: a backup of the world, then changes made after it
    dongcheng = world.scope("dongcheng_admin")
    org_update(scope=dongcheng, org=world.org("bj-dc-lt"), short_name="龙潭")
    at_backup = _state()
    path = tmp_path / f"before.{SUFFIX[connection.vendor]}"
    out = StringIO()
    call_command("backup", output=str(path), stdout=out)
    assert path.is_file() and str(path) in out.getvalue()
    org_create(
        scope=dongcheng,
        parent=world.org("bj-dc-lt"),
        code="bj-dc-lt-new",
        name="备份之后新建的工会",
        kind=OrgKind.GRASSROOTS,
    )
    org_update(scope=dongcheng, org=world.org("bj-dc-lt"), short_name="改过的简称")
    assert _state() != at_backup
    # when
    call_command("restore", str(path), yes=True, stdout=StringIO())
    # then
    assert _state() == at_backup
    assert Org.objects.get(code="bj-dc-lt").short_name == "龙潭"
    assert not Org.objects.filter(code="bj-dc-lt-new").exists()
    # and the restored database keeps working: new writes and their audit events go in
    org_create(
        scope=world.scope("dongcheng_admin"),
        parent=world.org("bj-dc-lt"),
        code="bj-dc-lt-after",
        name="恢复之后新建的工会",
        kind=OrgKind.GRASSROOTS,
    )
    assert AuditEvent.objects.filter(action="org.create", object_repr="恢复之后新建的工会").exists()


@pytest.mark.django_db(transaction=True)
def test_backup_goes_to_var_backups_by_default(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("backup", stdout=out)
    [written] = (tmp_path / "backups").iterdir()
    vendor = connection.vendor
    assert re.fullmatch(rf"gonghui-{vendor}-\d{{8}}-\d{{6}}\.{SUFFIX[vendor]}", written.name)
    assert written.stat().st_size > 0
    assert not list((tmp_path / "backups").glob("*.partial"))


def _other_kind_of_backup(tmp_path: Path) -> Path:
    if connection.vendor == "sqlite":
        path = tmp_path / "other.dump"
        path.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
    else:
        path = tmp_path / "other.sqlite3"
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    return path


def test_restore_refuses_a_missing_file_or_one_of_the_wrong_kind(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.sqlite3"), yes=True)
    garbage = tmp_path / "notes.txt"
    garbage.write_text("not a backup")
    with pytest.raises(CommandError, match="neither a SQLite database nor a pg_dump"):
        call_command("restore", str(garbage), yes=True)
    with pytest.raises(CommandError, match="backup but the configured database is"):
        call_command("restore", str(_other_kind_of_backup(tmp_path)), yes=True)


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite file checks")
def test_restore_refuses_a_sqlite_file_that_is_not_a_gonghui_database(tmp_path):
    path = tmp_path / "other.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(CommandError, match="not a Gonghui one"):
        call_command("restore", str(path), yes=True)


@pytest.mark.django_db(transaction=True)
def test_restore_without_yes_refuses_when_nobody_can_answer(tmp_path, monkeypatch):
    path = tmp_path / f"b.{SUFFIX[connection.vendor]}"
    call_command("backup", output=str(path), stdout=StringIO())
    monkeypatch.setattr(sys, "stdin", StringIO(""))  # not a terminal, as under cron
    with pytest.raises(CommandError, match="Pass --yes"):
        call_command("restore", str(path))
