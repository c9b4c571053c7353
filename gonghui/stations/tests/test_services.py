from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.errors import ApplicationError, ForbiddenError
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Org
from gonghui.stations import grid
from gonghui.stations.coords import gcj02_to_bd09, wgs84_to_gcj02
from gonghui.stations.hours import daily
from gonghui.stations.models import SERVICE_BITS, StationPhoto, StationVisit
from gonghui.stations.services import (
    CODE_ALPHABET,
    station_check_in,
    station_photo_add,
    station_photo_remove,
    station_set_status,
    station_update,
    station_visit_rate,
)
from gonghui.stations.tests.factories import make_station
from gonghui.stations.tests.samples import PNG_1PX

pytestmark = pytest.mark.django_db
DEVICE = "device-aaaaaaaaaaaaaaaa"
TIANANMEN_WGS84 = (39.907222, 116.390833)


def events(action: str):
    return AuditEvent.objects.filter(action=action)


# -- register ------------------------------------------------------------------------------


def test_create_stores_gcj02_whatever_system_came_in_and_audits(world):
    # when: the coordinates come from a GPS (WGS-84)
    station = make_station(
        world,
        lat=TIANANMEN_WGS84[0],
        lng=TIANANMEN_WGS84[1],
        crs="wgs84",
        services=["microwave", "water", "water"],
        contact_phone="13800001234",
    )
    # then
    expected = wgs84_to_gcj02(*TIANANMEN_WGS84)
    assert (station.lat, station.lng) == pytest.approx(expected, abs=1e-7)
    assert station.cell == grid.cell_key(station.lat, station.lng)
    assert station.services == ["water", "microwave"]  # canonical order, no repeats
    assert station.services_mask == SERVICE_BITS["water"] | SERVICE_BITS["microwave"]
    assert len(station.code) == 8 and set(station.code) <= set(CODE_ALPHABET)
    event = events("station.create").get()
    assert event.org.code == "bj-dc-lt" and event.actor_username == "dongcheng_admin"
    assert event.changes["contact_phone"] == [None, "138****1234"]  # masked


def test_create_needs_edit_rights_at_the_host_org(world):
    with pytest.raises(ForbiddenError):
        make_station(world, "bj-xc-xjk", by="longtan_officer")
    with pytest.raises(ForbiddenError):
        make_station(world, "bj-xc-xjk", by="xicheng_viewer")
    assert not events("station.create").exists()


def test_create_reports_every_bad_field_at_once(world):
    with pytest.raises(ApplicationError) as caught:
        make_station(
            world,
            name=" ",
            kind="shop",
            lat=91,
            services=["sauna"],
            hours={**daily(480, 1200).to_json(), "makeup_day_follows": 9},
            service_phone="call us",
        )
    assert set(caught.value.fields) == {
        "name",
        "kind",
        "lat",
        "services",
        "hours.makeup_day_follows",
        "service_phone",
    }


def test_an_archived_org_hosts_no_new_station(world):
    Org.objects.filter(code="bj-dc-lt-sy").update(status="archived")
    with pytest.raises(ApplicationError):
        make_station(world, "bj-dc-lt-sy")


def test_update_moves_the_station_in_any_system_and_audits_what_changed(world):
    station = make_station(world)
    target_gcj = (39.88, 116.44)
    station = station_update(
        scope=world.scope("longtan_officer"),
        station=station,
        location=(*gcj02_to_bd09(*target_gcj), "bd09"),
        name="龙潭湖暖心驿站",
    )
    assert (station.lat, station.lng) == pytest.approx(target_gcj, abs=1e-6)
    assert station.cell == grid.cell_key(*target_gcj)
    event = events("station.update").get()
    assert event.changes["name"][1] == "龙潭湖暖心驿站" and "lat" in event.changes
    # the same values again change nothing and write nothing
    station_update(scope=world.scope("longtan_officer"), station=station, name="龙潭湖暖心驿站")
    assert events("station.update").count() == 1


def test_update_refuses_unknown_fields_and_outsiders(world):
    station = make_station(world)
    with pytest.raises(ApplicationError):
        station_update(scope=world.scope("longtan_officer"), station=station, org="bj-xc")
    with pytest.raises(ForbiddenError):
        station_update(scope=world.scope("xinjiekou_officer"), station=station, name="越权")


def test_status_changes_are_audited(world):
    station = make_station(world)
    scope = world.scope("longtan_officer")
    station_set_status(scope=scope, station=station, status="suspended")
    station_set_status(scope=scope, station=station, status="suspended")  # no change, no event
    assert events("station.status").get().changes == {"status": ["open", "suspended"]}
    with pytest.raises(ApplicationError):
        station_set_status(scope=scope, station=station, status="archived")


# -- check-in and rating -----------------------------------------------------------------------


def test_one_check_in_per_station_device_and_china_day(world):
    station = make_station(world)
    evening_utc = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 23:00 in Beijing
    after_midnight_utc = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # 00:30 next day there
    first, created = station_check_in(station=station, device=DEVICE, at=evening_utc)
    again, created_again = station_check_in(station=station, device=DEVICE, at=evening_utc)
    next_day, created_next = station_check_in(station=station, device=DEVICE, at=after_midnight_utc)
    other, created_other = station_check_in(station=station, device="b" * 20, at=evening_utc)
    assert (created, created_again, created_next, created_other) == (True, False, True, True)
    assert first == again and str(first.day) == "2026-11-25" and str(next_day.day) == "2026-11-26"
    assert StationVisit.objects.count() == 3
    event = events("station.check_in").first()
    assert event.actor is None and event.org.code == "bj-dc-lt" and event.via == "cli"
    assert events("station.check_in").count() == 3


@pytest.mark.parametrize(
    ("status", "device"), [("suspended", DEVICE), ("closed", DEVICE), ("open", "short")]
)
def test_check_in_refused(world, status, device):
    station = station_set_status(
        scope=world.scope("longtan_officer"), station=make_station(world), status=status
    )
    with pytest.raises(ApplicationError):
        station_check_in(station=station, device=device)
    assert not StationVisit.objects.exists()


def test_rating_needs_a_check_in_and_replaces_the_days_rating(world):
    station = make_station(world)
    with pytest.raises(ApplicationError):
        station_visit_rate(station=station, device=DEVICE, rating=5)
    station_check_in(station=station, device=DEVICE)
    station_visit_rate(station=station, device=DEVICE, rating=3, note="水有点凉")
    visit = station_visit_rate(station=station, device=DEVICE, rating=5, note="")
    assert (visit.rating, visit.note) == (5, "")
    assert events("station.rate").count() == 2
    for bad in ({"rating": 6}, {"rating": None, "note": ""}, {"rating": 4, "note": "长" * 201}):
        with pytest.raises(ApplicationError):
            station_visit_rate(station=station, device=DEVICE, **bad)


# -- photos ----------------------------------------------------------------------------------------


def png(name="p.png", data=PNG_1PX):
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_photos_are_checked_by_content_and_limited(world):
    station = make_station(world)
    scope = world.scope("longtan_officer")
    photo = station_photo_add(scope=scope, station=station, upload=png(), caption="门口")
    assert photo.content_type == "image/png" and photo.file.read() == PNG_1PX
    with pytest.raises(ApplicationError):  # a script named .png is not a photo
        station_photo_add(scope=scope, station=station, upload=png("x.png", b"<script>"))
    for _n in range(5):
        station_photo_add(scope=scope, station=station, upload=png())
    with pytest.raises(ApplicationError):
        station_photo_add(scope=scope, station=station, upload=png())
    assert StationPhoto.objects.count() == 6


def test_removing_a_photo_deletes_its_file(world, django_capture_on_commit_callbacks):
    station = make_station(world)
    scope = world.scope("longtan_officer")
    photo = station_photo_add(scope=scope, station=station, upload=png())
    storage, name = photo.file.storage, photo.file.name
    with django_capture_on_commit_callbacks(execute=True):
        station_photo_remove(scope=scope, photo=photo)
    assert not storage.exists(name) and not StationPhoto.objects.exists()
    assert events("station.photo_remove").count() == 1
    other = station_photo_add(scope=scope, station=station, upload=png())
    with pytest.raises(ForbiddenError):
        station_photo_remove(scope=world.scope("xinjiekou_officer"), photo=other)
