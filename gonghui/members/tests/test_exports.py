"""Exporting the register: the filtered list, masked unless the user may reveal, audited."""

import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditEvent
from gonghui.members import exports
from gonghui.members.tests.factories import (
    LI_ID,
    OUTSIDER_ID,
    ZHANG_ID,
    ZHANG_PHONE,
    add_worker,
    add_zhang,
)


@pytest.fixture
def register(world):
    zhang = add_zhang(world)
    add_worker(
        world,
        "bj-dc-lt-sy",
        "李四",
        id_number=LI_ID,
        employment_form="courier",
        joined_on=date(2021, 3, 4),
        groups=["outdoor", "frontline"],
    )
    add_worker(world, "bj-xc-xjk", "王五", id_number=OUTSIDER_ID)
    return zhang


def rows_of(response) -> list[list]:
    assert response.status_code == 200
    assert response.streaming and response["Cache-Control"] == "no-store"
    raw = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0).to_python()


def test_an_officer_exports_masked_values(register, login, world):
    # when
    rows = rows_of(login("longtan_officer").get("/workers/export.xlsx"))
    # then: the header, then the subtree's workers in pinyin order, masked
    assert rows[0][:5] == ["姓名", "性别", "出生日期", "身份证号码", "手机号码"]
    assert [r[0] for r in rows[1:]] == ["李四", "张三"]
    zhang = rows[2]
    assert zhang[3] == ZHANG_ID[:6] + "********" + ZHANG_ID[-4:] and zhang[4] == "138****5678"
    assert zhang[5:8] == ["美团", "外卖骑手", "龙潭街道总工会"]
    assert rows[1][8:10] == ["会员", date(2021, 3, 4)] and rows[1][11] == "户外劳动者、一线职工"
    event = AuditEvent.objects.get(action="workers.export")
    assert event.actor == world.users["longtan_officer"] and event.org.code == "bj-dc-lt"
    assert event.changes["revealed"] is False and event.changes["rows"] == 2


def test_an_admin_exports_plain_values_and_that_is_recorded(register, login):
    rows = rows_of(login("longtan_admin").get("/workers/export.xlsx"))
    zhang = rows[2]
    assert (zhang[3], zhang[4]) == (ZHANG_ID, ZHANG_PHONE)
    event = AuditEvent.objects.get(action="workers.export")
    assert event.changes["revealed"] is True and event.changes["rows"] == 2


def test_the_export_follows_the_filters(register, login):
    rows = rows_of(login("dongcheng_admin").get("/workers/export.xlsx", {"q": "ls", "gig": "on"}))
    assert [r[0] for r in rows[1:]] == ["李四"]
    event = AuditEvent.objects.get(action="workers.export")
    assert event.changes["filters"] == {"q": "ls", "gig": True} and event.changes["rows"] == 1


def test_a_phone_typed_in_the_search_is_masked_in_the_audit_log(register, login):
    rows = rows_of(login("longtan_officer").get("/workers/export.xlsx", {"q": ZHANG_PHONE}))
    assert [r[0] for r in rows[1:]] == ["张三"]
    event = AuditEvent.objects.get(action="workers.export")
    assert event.changes["filters"]["q"] == "138****5678"
    assert ZHANG_PHONE not in str(event.changes)


def test_nothing_of_another_subtree_is_exported(register, login):
    rows = rows_of(login("longtan_admin").get("/workers/export.xlsx", {"q": OUTSIDER_ID}))
    assert rows[1:] == []


def test_rows_are_read_in_batches_with_their_groups(register, world, monkeypatch):
    # given: batches of one row, so every batch fetches its own groups
    monkeypatch.setattr(exports, "BATCH", 1)
    # when
    handle, name = exports.workers_export(scope=world.scope("dongcheng_admin"), filters={})
    # then
    rows = CalamineWorkbook.from_filelike(handle).get_sheet_by_index(0).to_python()
    assert [(r[0], r[11]) for r in rows[1:]] == [
        ("李四", "户外劳动者、一线职工"),
        ("张三", "户外劳动者"),
    ]
    assert name.startswith("职工名册-") and name.endswith(".xlsx")
