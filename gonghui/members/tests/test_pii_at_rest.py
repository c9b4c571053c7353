"""A known resident ID and phone, stored through the register, appear nowhere in the
database: neither in the SQLite file nor in a plain-text pg_dump (DESIGN rule 2)."""

import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from gonghui.core.imports.testing import write_xlsx
from gonghui.members.services import worker_create, worker_update

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"
OTHER_ID = "110101199003071233"
OTHER_PHONE = "13900001111"
SECRETS = [ID_NUMBER, PHONE, OTHER_ID, OTHER_PHONE]


def _store_known_people(world, tmp_path):
    scope = world.scope("longtan_officer")
    worker = worker_create(
        scope=scope,
        org=world.org("bj-dc-lt"),
        name="张三",
        id_number=ID_NUMBER,
        phone="138 1234 5678",
    )
    worker_update(scope=scope, worker=worker, phone=PHONE)  # the audit log sees a change too
    path = write_xlsx(
        tmp_path / "w.xlsx", [["姓名", "身份证号", "手机号"], ["李四", OTHER_ID, OTHER_PHONE]]
    )
    call_command(
        "import_workers",
        str(path),
        org="bj-dc-lt",
        commit=True,
        stdout=StringIO(),
        stderr=StringIO(),
    )


def _assert_absent(blob: bytes, where: str) -> None:
    for secret in SECRETS:
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in blob, f"{secret[:3]}… found in {where}"


@pytest.mark.skipif("connection.vendor != 'sqlite'")
@pytest.mark.django_db(transaction=True)
def test_no_id_or_phone_in_the_sqlite_file(world, tmp_path):
    _store_known_people(world, tmp_path)
    copy = tmp_path / "copy.sqlite3"
    call_command("backup", output=str(copy), stdout=StringIO())  # the whole database, as a file
    blob = copy.read_bytes()
    assert "张三".encode() in blob  # the file does hold the register
    _assert_absent(blob, "the SQLite file")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_id_or_phone_in_a_pg_dump(world, tmp_path):
    _store_known_people(world, tmp_path)
    settings_dict = connection.settings_dict
    command = [
        shutil.which("pg_dump"),
        "--format=plain",
        "--no-owner",
        "--host",
        settings_dict["HOST"] or "127.0.0.1",
        "--port",
        str(settings_dict["PORT"] or 5432),
        "--username",
        settings_dict["USER"],
        settings_dict["NAME"],
    ]
    dump = subprocess.run(command, capture_output=True, check=True).stdout
    assert "张三".encode() in dump
    _assert_absent(dump, "pg_dump")
