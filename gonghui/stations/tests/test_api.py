import pytest
from django.test import Client

from gonghui.accounts.services import token_create
from gonghui.core.models import AuditEvent
from gonghui.stations.coords import Crs, from_gcj02, gcj02_to_bd09, to_gcj02
from gonghui.stations.hours import daily
from gonghui.stations.models import Station
from gonghui.stations.services import station_set_status
from gonghui.stations.tests.factories import LONGTAN, make_station, offset

NEARBY = "/api/v1/stations/nearby"


@pytest.fixture
def api(world):
    def _client(username: str) -> Client:
        _row, token = token_create(user=world.users[username], name="test")
        return Client(headers={"authorization": f"Bearer {token}"})

    return _client


@pytest.fixture
def street(world):
    """On one street east of LONGTAN: near (water only), middle (microwave, closed at night),
    far (microwave, open 24 hours), and a closed station nearest of all."""
    stations = {
        "near": make_station(world, name="近站", services=["water"], **east(200)),
        "middle": make_station(
            world,
            name="中站",
            services=["water", "microwave"],
            hours=daily(480, 1200).to_json(),
            **east(500),
        ),
        "far": make_station(world, name="远站", services=["microwave", "charging"], **east(900)),
    }
    gone = make_station(world, name="已关闭站", services=["microwave"], **east(50))
    station_set_status(scope=world.scope("dongcheng_admin"), station=gone, status="closed")
    return stations


def east(metres: float) -> dict:
    lat, lng = offset(LONGTAN, east_m=metres)
    return {"lat": lat, "lng": lng}


def nearby(client: Client, **params):
    return client.get(NEARBY, {"lat": LONGTAN[0], "lng": LONGTAN[1], "crs": "gcj02", **params})


def test_nearby_needs_no_login_and_lists_nearest_first(street):
    response = nearby(Client())
    assert response.status_code == 200
    body = response.json()
    assert [item["name"] for item in body["items"]] == ["近站", "中站", "远站"]
    assert [item["distance_m"] for item in body["items"]] == [200, 500, 900]
    first = body["items"][0]
    assert first["url"] == f"/h5/stations/{street['near'].code}/"
    assert first["route_url"].startswith("https://uri.amap.com/navigation?to=")
    assert "contact_person" not in first and "contact_phone" not in first  # no personal data


def test_nearby_filters_services_repeatable_and_open_now(street):
    client = Client()
    both = nearby(client, service=["microwave", "charging"]).json()["items"]
    microwave = nearby(client, service="microwave").json()["items"]
    assert [i["name"] for i in both] == ["远站"]
    assert [i["name"] for i in microwave] == ["中站", "远站"]
    open_now = nearby(client, service="microwave", open_now="true").json()["items"]
    names = [i["name"] for i in open_now]
    assert "远站" in names and all(i["open_now"] for i in open_now)


def test_nearby_limit(street):
    body = nearby(Client(), limit=2).json()
    assert body["count"] == 2 and [i["name"] for i in body["items"]] == ["近站", "中站"]


@pytest.mark.parametrize("crs", list(Crs))
def test_nearby_answers_in_the_system_it_was_asked_in(street, crs):
    lat, lng = from_gcj02(*LONGTAN, crs)
    body = Client().get(NEARBY, {"lat": lat, "lng": lng, "crs": crs.value}).json()
    assert body["crs"] == crs.value
    assert body["origin"] == pytest.approx({"lat": lat, "lng": lng}, abs=1e-6)
    item = body["items"][0]
    station = street["near"]
    assert to_gcj02(item["lat"], item["lng"], crs) == pytest.approx(
        (station.lat, station.lng), abs=1e-6
    )
    assert item["distance_m"] == 200


def test_nearby_out_crs_answers_in_another_system(street):
    lat, lng = from_gcj02(*LONGTAN, Crs.WGS84)
    body = Client().get(NEARBY, {"lat": lat, "lng": lng, "crs": "wgs84", "out_crs": "bd09"}).json()
    station = street["near"]
    assert body["crs"] == "bd09"
    assert (body["items"][0]["lat"], body["items"][0]["lng"]) == pytest.approx(
        gcj02_to_bd09(station.lat, station.lng), abs=1e-6
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 51}, "limit"),
        ({"lat": 91}, "lat"),
        ({"lng": "east"}, "lng"),
        ({"crs": "mars"}, "crs"),
        ({"service": "sauna"}, "service.0"),
    ],
)
def test_nearby_bad_input_has_the_standard_error_shape(db, params, field):
    response = nearby(Client(), **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    assert field in body["fields"], body["fields"]


def test_nearby_needs_a_point(db):
    response = Client().get(NEARBY, {"lng": 116.4})
    assert response.status_code == 422 and "lat" in response.json()["fields"]


# -- staff operations ------------------------------------------------------------------------


def station_payload(**changes) -> dict:
    return {
        "org_code": "bj-dc-lt",
        "name": "光明楼暖心驿站",
        "kind": "warm_station",
        "venue_kind": "bank",
        "venue_name": "中国建设银行光明楼支行",
        "address": "北京市东城区光明路11号",
        "lat": 39.8800,
        "lng": 116.4300,
        "crs": "wgs84",
        "services": ["water", "microwave"],
        "hours": daily(480, 1200).to_json(),
        **changes,
    }


def test_create_takes_any_system_and_stores_gcj02(api):
    response = api("longtan_officer").post(
        "/api/v1/stations/", station_payload(), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    station = Station.objects.get(pk=body["id"])
    assert (station.lat, station.lng) == pytest.approx(to_gcj02(39.88, 116.43, "wgs84"), abs=1e-6)
    assert body["crs"] == "wgs84"
    assert (body["lat"], body["lng"]) == pytest.approx((39.88, 116.43), abs=1e-6)
    event = AuditEvent.objects.get(action="station.create")
    assert (event.actor_username, event.via) == ("longtan_officer", "api")


def test_create_errors(api):
    client = api("longtan_officer")
    overlapping = {**daily(480, 1200).to_json()}
    overlapping["days"][0] = {"open_24h": False, "intervals": [[480, 720], [600, 900]]}
    bad = client.post(
        "/api/v1/stations/", station_payload(hours=overlapping), content_type="application/json"
    )
    assert bad.status_code == 400 and "hours.mon" in bad.json()["fields"]
    outside = client.post(
        "/api/v1/stations/", station_payload(org_code="bj-xc-xjk"), content_type="application/json"
    )
    assert outside.status_code == 404 and outside.json()["code"] == "not_found"
    short = client.post(
        "/api/v1/stations/",
        station_payload(hours={"days": []}),
        content_type="application/json",
    )
    assert short.status_code == 422 and "hours.days" in short.json()["fields"]


def test_list_get_patch_and_status_are_scoped(api, world):
    mine = make_station(world)
    theirs = make_station(world, "bj-xc-xjk", by="xinjiekou_officer")
    client = api("longtan_officer")
    listed = client.get("/api/v1/stations/").json()
    assert [s["id"] for s in listed["items"]] == [mine.pk] and listed["count"] == 1
    assert client.get(f"/api/v1/stations/{theirs.pk}").status_code == 404
    patched = client.patch(
        f"/api/v1/stations/{mine.pk}",
        {"name": "新名字", "lat": 39.87, "lng": 116.44, "crs": "gcj02"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["name"] == "新名字"
    half = client.patch(
        f"/api/v1/stations/{mine.pk}", {"lat": 39.87}, content_type="application/json"
    )
    assert half.status_code == 400
    assert (
        client.post(
            f"/api/v1/stations/{theirs.pk}/status",
            {"status": "closed"},
            content_type="application/json",
        ).status_code
        == 404
    )
    closed = client.post(
        f"/api/v1/stations/{mine.pk}/status", {"status": "closed"}, content_type="application/json"
    )
    assert closed.json()["status"] == "closed"
    bd = client.get(f"/api/v1/stations/{mine.pk}", {"crs": "bd09"}).json()
    assert (bd["lat"], bd["lng"]) == pytest.approx(gcj02_to_bd09(39.87, 116.44), abs=1e-6)


def test_list_query_count_does_not_grow_with_the_page(api, world, django_assert_max_num_queries):
    for _n in range(12):
        make_station(world)
    client = api("dongcheng_admin")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/stations/", {"page_size": 100})
    assert response.json()["count"] == 12


def test_patch_changes_only_what_is_sent_and_keeps_nulls_inside_the_hours(api, world):
    station = make_station(world, venue_name="物美便利店", hours=daily(480, 1200).to_json())
    hours = {**daily(540, 1020).to_json(), "makeup_day_follows": None}
    response = api("longtan_officer").patch(
        f"/api/v1/stations/{station.pk}", {"hours": hours}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    station.refresh_from_db()
    assert station.hours["makeup_day_follows"] is None
    assert station.hours["days"][0]["intervals"] == [[540, 1020]]
    assert station.venue_name == "物美便利店"
