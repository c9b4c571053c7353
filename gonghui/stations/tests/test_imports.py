"""Importing stations from a union's spreadsheet through the core pipeline."""

from datetime import datetime

import pytest

from gonghui.core.imports.services import import_commit, import_start
from gonghui.core.imports.testing import write_xlsx
from gonghui.core.models import AuditEvent, ImportIssue, ImportState
from gonghui.stations.coords import wgs84_to_gcj02
from gonghui.stations.hours import CHINA_TZ, OpeningHours
from gonghui.stations.imports import parse_week_text
from gonghui.stations.models import Station

HEADER = [
    "站点名称",
    "类型",
    "所属工会",
    "依托场所类型",
    "地址",
    "经度",
    "纬度",
    "坐标系",
    "服务项目",
    "开放时间",
    "节假日休息",
]
GOOD = [
    "龙潭湖暖心驿站",
    "暖心驿站",
    "",
    "银行网点",
    "龙潭路9号",
    116.4405,
    39.8790,
    "高德",
    "饮水、微波炉、充电",
    "周一至周五 08:00-20:00；周六、周日 09:00-17:00",
    "否",
]


@pytest.fixture
def run(world, tmp_path, django_capture_on_commit_callbacks):
    def _run(rows, *, commit=False, user="longtan_officer"):
        path = write_xlsx(tmp_path / "stations.xlsx", [HEADER, *rows])
        scope = world.scope(user)
        with django_capture_on_commit_callbacks(execute=True), path.open("rb") as handle:
            job = import_start(
                scope=scope,
                kind="stations",
                org=world.org("bj-dc-lt"),
                upload=handle,
                file_name="stations.xlsx",
            )
        job.refresh_from_db()
        if commit:
            with django_capture_on_commit_callbacks(execute=True):
                import_commit(scope=scope, job=job, only_good=True)
            job.refresh_from_db()
        return job

    return _run


def test_a_station_is_created_with_its_hours_services_and_converted_location(run):
    job = run([GOOD], commit=True)
    assert job.state == ImportState.COMMITTED and job.counts["created"] == 1
    station = Station.objects.get()
    assert station.org.code == "bj-dc-lt" and station.services == ["water", "microwave", "charging"]
    hours = OpeningHours.from_json(station.hours)
    assert hours.is_open(datetime(2026, 11, 23, 19, 0, tzinfo=CHINA_TZ))  # Monday 19:00
    assert not hours.is_open(datetime(2026, 11, 28, 18, 0, tzinfo=CHINA_TZ))  # Saturday 18:00
    assert (round(station.lat, 4), round(station.lng, 4)) == (39.8790, 116.4405)  # GCJ-02 kept
    assert AuditEvent.objects.filter(action="station.create").count() == 1


def test_gps_coordinates_are_converted_to_the_stored_system(run):
    row = [*GOOD]
    row[7] = "GPS"
    run([row], commit=True)
    station = Station.objects.get()
    lat, lng = wgs84_to_gcj02(39.8790, 116.4405)
    assert (round(station.lat, 6), round(station.lng, 6)) == (round(lat, 6), round(lng, 6))


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (0, "", "缺少"),
        (1, "加油站", "可选范围"),
        (2, "新街口街道总工会", "本组织及下级"),
        (7, "", "坐标"),
        (5, 39.87, "国外"),  # longitude and latitude swapped
        (8, "饮水、按摩", "按摩"),
        (9, "周一至周五 8点到20点", "08:00"),
    ],
)
def test_bad_rows_are_rejected_with_a_reason(run, column, value, reason):
    row = [*GOOD]
    row[column] = value
    job = run([row])
    [issue] = ImportIssue.objects.filter(job=job)
    assert issue.row == 2 and reason in issue.reason, issue.reason


def test_the_same_station_twice_in_a_file_is_rejected(run):
    job = run([GOOD, GOOD])
    assert job.counts["rejected"] == 1


def test_an_existing_station_is_updated(run):
    run([GOOD], commit=True)
    row = [*GOOD]
    row[9] = "24小时"
    job = run([row], commit=True)
    assert job.counts["updated"] == 1 and Station.objects.count() == 1
    assert OpeningHours.from_json(Station.objects.get().hours).days[0].open_24h


@pytest.mark.parametrize(
    ("text", "monday", "sunday"),
    [
        ("24小时", "24h", "24h"),
        ("每天 07:00-22:00", "07:00-22:00", "07:00-22:00"),
        ("工作日 08:00-18:00；周末休息", "08:00-18:00", ""),
        ("周一至周五 20:00-02:00；周日 10:00-12:00", "20:00-02:00", "10:00-12:00"),
        ("08:00-20:00", "08:00-20:00", "08:00-20:00"),
    ],
)
def test_hours_are_read_as_people_write_them(text, monday, sunday):
    from gonghui.stations.hours import format_day_text

    days = parse_week_text(text)
    assert (format_day_text(days[0]), format_day_text(days[6])) == (monday, sunday)
