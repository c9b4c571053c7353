"""Rebuilding a table's indexes around a big insert keeps every index and still enforces
uniqueness (PostgreSQL)."""

from datetime import UTC

import pytest
from django.db import IntegrityError, connection, transaction

from gonghui.core.imports.db import indexes_rebuilt
from gonghui.members.services import worker_create

pytestmark = pytest.mark.postgres


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'members_worker'")
        return {row[0] for row in cursor.fetchall()}


def test_indexes_come_back_exactly_as_they_were(world):
    before = _indexes()
    with transaction.atomic(), indexes_rebuilt("members_worker"):
        assert len(_indexes()) == 1  # only the primary key while the block runs
        worker_create(
            scope=world.scope("longtan_officer"),
            org=world.org("bj-dc-lt"),
            name="张三",
            id_number="11010519491231002X",
        )
    assert _indexes() == before


def test_a_duplicate_inserted_meanwhile_rolls_everything_back(world):
    scope, org = world.scope("longtan_officer"), world.org("bj-dc-lt")
    worker = worker_create(scope=scope, org=org, name="张三", id_number="11010519491231002X")
    before = _indexes()
    with pytest.raises(IntegrityError), transaction.atomic(), indexes_rebuilt("members_worker"):
        with connection.cursor() as cursor:  # bypasses the services, as a bug would
            cursor.execute(
                "INSERT INTO members_worker (org_id, name, name_pinyin, name_initials, gender, "
                "id_number_index, id_number_masked, phone_masked, phone_tail, employment_form, "
                "membership_status, left_reason, created_at, updated_at) SELECT org_id, name, "
                "name_pinyin, name_initials, gender, id_number_index, id_number_masked, "
                "phone_masked, phone_tail, employment_form, membership_status, left_reason, "
                "created_at, updated_at FROM members_worker WHERE id = %s",
                [worker.pk],
            )
    assert _indexes() == before
    from gonghui.members.models import Worker

    assert Worker.objects.count() == 1


def test_a_big_import_builds_the_indexes_afterwards(world, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from gonghui.core.imports.testing import write_xlsx
    from gonghui.members.tests.test_imports import LI, ZHANG

    settings.IMPORT_REBUILD_INDEXES_MIN_ROWS = 1
    before = _indexes()
    path = write_xlsx(tmp_path / "w.xlsx", [["姓名", "身份证号"], ["张三", ZHANG], ["李四", LI]])
    call_command(
        "import_workers",
        str(path),
        org="bj-dc-lt",
        commit=True,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert _indexes() == before
    from gonghui.members.selectors import worker_list

    assert [w.name for w in worker_list(world.scope("longtan_officer"), q="zs")] == ["张三"]


def test_copy_lines_load_exactly_what_was_formatted(db):
    """The hand-made COPY text format round-trips awkward values through PostgreSQL."""
    from datetime import date, datetime

    from gonghui.core.imports.db import copy_line, copy_text

    values = (
        "a\tb\\c\nd\re",
        "张三\t",
        b"\x00\x01\\\xff",
        None,
        date(2020, 1, 2),
        datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        42,
        True,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copy_probe (t text, u text, b bytea, n text, d date, "
            "ts timestamptz, i int, f boolean)"
        )
    copy_text("copy_probe", ["t", "u", "b", "n", "d", "ts", "i", "f"], copy_line(values) + "\n")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM copy_probe")
        row = cursor.fetchone()
    assert (row[0], row[1], bytes(row[2]), row[3], row[4], row[5], row[6], row[7]) == values
