"""The finder: nearest first, filters inside the search, any coordinate system in, and the same
answer as a full scan."""

import random
from datetime import datetime

import pytest

from gonghui.orgs.models import Org
from gonghui.stations import grid
from gonghui.stations.coords import Crs, from_gcj02, haversine_m
from gonghui.stations.hours import CHINA_TZ, OpeningHours, daily
from gonghui.stations.models import Station
from gonghui.stations.nearby import full_scan, nearby_stations
from gonghui.stations.services import station_set_status
from gonghui.stations.tests.factories import LONGTAN, make_station, offset

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=CHINA_TZ)  # a Wednesday
MIDNIGHT = datetime(2026, 11, 25, 0, 30, tzinfo=CHINA_TZ)


def names(result) -> list[str]:
    return [found.station.name for found in result.items]


@pytest.fixture
def ring(world):
    """Stations due east of LONGTAN at 100 m, 300 m, 700 m, 2 km, 30 km and 60 km."""
    return {
        metres: make_station(world, name=f"{metres}米站", lat=p[0], lng=p[1])
        for metres in (100, 300, 700, 2_000, 30_000, 60_000)
        for p in [offset(LONGTAN, east_m=metres)]
    }


def test_nearest_first_with_exact_distances_within_50_km(ring):
    result = nearby_stations(lat=LONGTAN[0], lng=LONGTAN[1], crs=Crs.GCJ02, at=NOON)
    assert names(result) == ["100米站", "300米站", "700米站", "2000米站", "30000米站"]
    distances = [found.distance_m for found in result.items]
    assert distances == pytest.approx([100, 300, 700, 2_000, 30_000], rel=1e-3)
    assert result.radius_m == 50_000  # it had to look all the way out


def test_limit_stops_the_search_early(ring):
    result = nearby_stations(lat=LONGTAN[0], lng=LONGTAN[1], crs=Crs.GCJ02, limit=2, at=NOON)
    assert names(result) == ["100米站", "300米站"]
    assert 300 < result.radius_m < 50_000


def test_services_must_all_be_offered(world):
    make_station(world, name="只有水", services=["water"])
    make_station(world, name="水和微波炉", services=["water", "microwave"], lat=LONGTAN[0] + 0.01)
    make_station(world, name="微波炉", services=["microwave"], lat=LONGTAN[0] + 0.02)
    result = nearby_stations(
        lat=LONGTAN[0], lng=LONGTAN[1], crs=Crs.GCJ02, services=["microwave", "water"], at=NOON
    )
    assert names(result) == ["水和微波炉"]
    either = nearby_stations(
        lat=LONGTAN[0], lng=LONGTAN[1], crs=Crs.GCJ02, services=["microwave"], at=NOON
    )
    assert names(either) == ["水和微波炉", "微波炉"]


def test_a_rare_service_widens_the_search_until_found(world):
    for n in range(30):  # plenty of stations nearby, none with a first-aid kit
        make_station(world, lat=offset(LONGTAN, north_m=50 * n)[0])
    far = make_station(world, services=["first_aid"], lat=offset(LONGTAN, north_m=20_000)[0])
    result = nearby_stations(
        lat=LONGTAN[0], lng=LONGTAN[1], crs=Crs.GCJ02, services=["first_aid"], at=NOON
    )
    assert [found.station for found in result.items] == [far]


def test_open_now_keeps_only_stations_open_at_that_moment(world):
    make_station(world, name="日间站", hours=daily(480, 1200).to_json())
    make_station(world, name="夜间站", hours=daily(1200, 1560).to_json(), lat=LONGTAN[0] + 0.001)
    suspended = make_station(world, name="暂停站", lat=LONGTAN[0] + 0.002)
    station_set_status(scope=world.scope("dongcheng_admin"), station=suspended, status="suspended")
    at_noon = nearby_stations(lat=LONGTAN[0], lng=LONGTAN[1], crs="gcj02", open_now=True, at=NOON)
    at_night = nearby_stations(
        lat=LONGTAN[0], lng=LONGTAN[1], crs="gcj02", open_now=True, at=MIDNIGHT
    )
    everything = nearby_stations(lat=LONGTAN[0], lng=LONGTAN[1], crs="gcj02", at=NOON)
    assert names(at_noon) == ["日间站"]
    assert names(at_night) == ["夜间站"]  # Tuesday's 20:00-02:00 still runs
    # Without the filter all are listed, each with its open state; suspended is never open.
    assert [(f.station.name, f.open_now) for f in everything.items] == [
        ("日间站", True),
        ("夜间站", False),
        ("暂停站", False),
    ]


def test_open_now_respects_public_holidays(world):
    hours = OpeningHours.from_json({**daily(480, 1200).to_json(), "closed_on_holidays": True})
    make_station(world, name="节假日休息", hours=hours.to_json())
    national_day = datetime(2026, 10, 1, 12, 0, tzinfo=CHINA_TZ)
    result = nearby_stations(lat=LONGTAN[0], lng=LONGTAN[1], crs="gcj02", open_now=True, at=NOON)
    holiday = nearby_stations(
        lat=LONGTAN[0], lng=LONGTAN[1], crs="gcj02", open_now=True, at=national_day
    )
    assert names(result) == ["节假日休息"] and names(holiday) == []


def test_closed_stations_and_archived_hosts_are_not_on_the_map(world):
    closed = make_station(world, name="已关闭")
    station_set_status(scope=world.scope("dongcheng_admin"), station=closed, status="closed")
    make_station(world, "bj-dc-lt-sy", name="社区站")
    Org.objects.filter(code="bj-dc-lt-sy").update(status="archived")
    assert names(nearby_stations(lat=LONGTAN[0], lng=LONGTAN[1], crs="gcj02")) == []


def test_the_same_place_in_any_coordinate_system_gives_the_same_answer(ring):
    answers = []
    for crs in Crs:
        lat, lng = from_gcj02(*LONGTAN, crs)
        result = nearby_stations(lat=lat, lng=lng, crs=crs, limit=3, at=NOON)
        answers.append([(f.station.pk, round(f.distance_m)) for f in result.items])
    assert answers[0] == answers[1] == answers[2]
    # Taking GCJ-02 for WGS-84 would search from a point some 600 m further east.
    wrong = nearby_stations(lat=LONGTAN[0], lng=LONGTAN[1], crs=Crs.WGS84, limit=1, at=NOON)
    assert names(wrong) == ["700米站"]


def test_agrees_with_a_full_scan_on_random_stations(world):
    rng = random.Random(6)
    org = world.org("bj-dc-lt")
    rows = []
    for n in range(400):  # clustered like a city plus a scatter around it
        if n % 4:
            lat, lng = rng.gauss(39.9, 0.03), rng.gauss(116.4, 0.04)
        else:
            lat, lng = rng.uniform(39.4, 40.4), rng.uniform(115.8, 117.0)
        rows.append((lat, lng))
    # One through the service; 400 copies of it in bulk (test data only: no audit needed).
    make_station(world)
    template = Station.objects.get()
    Station.objects.bulk_create(
        Station(
            org=org,
            code=f"r{n:05d}",
            name=f"随机{n}",
            kind=template.kind,
            venue_kind=template.venue_kind,
            address=template.address,
            lat=lat,
            lng=lng,
            cell=grid.cell_key(lat, lng),
            cell_coarse=grid.coarse_key(lat, lng),
            hours=template.hours,
        )
        for n, (lat, lng) in enumerate(rows)
    )
    for _query in range(40):
        lat, lng = rng.uniform(39.3, 40.5), rng.uniform(115.7, 117.1)
        limit = rng.choice([1, 5, 10, 50])
        grid_answer = nearby_stations(lat=lat, lng=lng, crs="gcj02", limit=limit, at=NOON)
        scan = full_scan(lat=lat, lng=lng, limit=limit)
        assert [f.station.pk for f in grid_answer.items] == [pk for _d, pk in scan]
        for found in grid_answer.items:
            station = found.station
            assert found.distance_m == pytest.approx(
                haversine_m(lat, lng, station.lat, station.lng)
            )
