"""Staff pages, as STYLE.md asks: what a user notices, the outsider case, query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gonghui.core.console import figures_for
from gonghui.core.models import AuditEvent
from gonghui.stations.coords import to_gcj02
from gonghui.stations.models import Station, StationPhoto
from gonghui.stations.services import (
    station_check_in,
    station_photo_add,
    station_set_status,
    station_visit_rate,
)
from gonghui.stations.tests.factories import make_station
from gonghui.stations.tests.samples import PNG_1PX


def form_data(**changes) -> dict:
    data = {
        "org_code": "bj-dc-lt",
        "name": "龙潭路暖心驿站",
        "kind": "warm_station",
        "venue_kind": "shop",
        "venue_name": "物美便利店龙潭路店",
        "address": "北京市东城区龙潭路5号",
        "crs": "wgs84",
        "lat": "39.8752",
        "lng": "116.4250",
        "services": ["water", "microwave"],
        "closed_on_holidays": "on",
        "makeup_day_follows": "0",
        "closed_dates": "2026-12-01",
        "service_phone": "010-67112233",
    }
    for key in ("mon", "tue", "wed", "thu", "fri"):
        data[f"hours_{key}"] = "08:00-20:00"
    data["hours_sat"] = "20:00-02:00"
    data["hours_sun"] = "24h"
    return {**data, **changes}


def test_register_a_station_from_the_form(world, login):
    client = login("longtan_officer")
    assert client.get("/stations/new/").status_code == 200
    response = client.post("/stations/new/", form_data())
    station = Station.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stations/{station.pk}/"
    assert (station.lat, station.lng) == pytest.approx(to_gcj02(39.8752, 116.425, "wgs84"))
    assert station.hours["days"][5] == {"open_24h": False, "intervals": [[1200, 1560]]}
    assert station.hours["days"][6]["open_24h"] is True
    assert station.hours["closed_on_holidays"] and station.hours["closed_dates"] == ["2026-12-01"]


def test_form_errors_are_shown_on_their_fields(world, login):
    client = login("longtan_officer")
    page = client.post(
        "/stations/new/", form_data(hours_mon="八点到八点", org_code="bj-xc-xjk")
    ).content.decode()
    assert "08:00-20:00" in page and "has-error" in page
    assert not Station.objects.exists()
    page = client.post("/stations/new/", form_data(org_code="bj-xc-xjk")).content.decode()
    assert "No organisation with this code" in page or "范围内没有" in page
    assert not Station.objects.exists()


def test_edit_shows_the_stored_values_and_saving_them_changes_nothing(world, login):
    station = make_station(world)
    client = login("longtan_officer")
    page = client.get(f"/stations/{station.pk}/edit/")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    assert data["hours_mon"] == "24h" and data["crs"] == "gcj02"
    response = client.post(f"/stations/{station.pk}/edit/", data)
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="station.update").exists()


def test_list_and_detail_show_only_the_acting_subtree(world, login):
    mine = make_station(world, name="龙潭湖驿站")
    theirs = make_station(world, "bj-xc-xjk", by="xinjiekou_officer", name="新街口驿站")
    client = login("longtan_officer")
    page = client.get("/stations/").content.decode()
    assert "龙潭湖驿站" in page and "新街口驿站" not in page
    assert client.get(f"/stations/{mine.pk}/").status_code == 200
    for page in ("", "edit/", "plate/", "qr.png"):
        assert client.get(f"/stations/{theirs.pk}/{page}").status_code == 404
    assert client.post(f"/stations/{theirs.pk}/status/", {"status": "closed"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_list_filters_and_query_count(world, login, django_assert_max_num_queries):
    for n in range(15):
        make_station(world, name=f"站{n}", services=["water", "microwave"] if n % 3 else ["water"])
    client = login("dongcheng_admin")
    with django_assert_max_num_queries(12):
        page = client.get("/stations/", {"service": "microwave"})
    assert len(page.context["page"].object_list) == 10


def test_detail_shows_use_per_day_and_feedback(world, login):
    station = make_station(world)
    for n in range(3):
        station_check_in(station=station, device=f"device-{n:020d}")
    station_visit_rate(station=station, device=f"device-{0:020d}", rating=4, note="热水很方便")
    page = login("longtan_officer").get(f"/stations/{station.pk}/")
    assert page.context["use"][-1].visits == 3
    assert page.context["totals"] == {"visits": 3, "ratings": 1, "average_rating": 4.0}
    assert "热水很方便" in page.content.decode()


def test_status_change_from_the_detail_page(world, login):
    station = make_station(world)
    response = login("longtan_officer").post(
        f"/stations/{station.pk}/status/", {"status": "suspended"}
    )
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.status == "suspended"


def test_plate_encodes_the_public_page(world, login):
    station = make_station(world)
    client = login("longtan_officer")
    page = client.get(f"/stations/{station.pk}/plate/").content.decode()
    assert "<svg" in page and station.name in page and station.code in page
    png = client.get(f"/stations/{station.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


def test_photos_upload_serve_and_remove(world, login):
    station = make_station(world)
    client = login("longtan_officer")
    upload = SimpleUploadedFile("door.png", PNG_1PX, content_type="image/png")
    client.post(f"/stations/{station.pk}/photos/", {"photo": upload, "caption": "门口"})
    photo = StationPhoto.objects.get()
    public = Client().get(f"/stations/photos/{photo.pk}/")
    assert public.status_code == 200 and b"".join(public.streaming_content) == PNG_1PX
    client.post(f"/stations/{station.pk}/photos/{photo.pk}/remove/")
    assert not StationPhoto.objects.exists()


def test_photos_of_a_closed_station_are_for_staff_only(world, login):
    station = make_station(world)
    upload = SimpleUploadedFile("door.png", PNG_1PX, content_type="image/png")
    photo = station_photo_add(scope=world.scope("longtan_officer"), station=station, upload=upload)
    station_set_status(scope=world.scope("longtan_officer"), station=station, status="closed")
    assert Client().get(f"/stations/photos/{photo.pk}/").status_code == 404
    assert login("xinjiekou_officer").get(f"/stations/photos/{photo.pk}/").status_code == 404
    assert login("longtan_officer").get(f"/stations/photos/{photo.pk}/").status_code == 200


def test_dashboard_figures_roll_up_the_subtree(world, login):
    lt = make_station(world, kind="worker_home")
    make_station(world, "bj-dc-lt-sy")
    xjk = make_station(world, "bj-xc-xjk", by="xinjiekou_officer")
    station_set_status(scope=world.scope("dongcheng_admin"), station=lt, status="suspended")
    station_check_in(station=xjk, device="e" * 20)
    cards = {card.key: card for card in figures_for(world.scope("dongcheng_admin"))}
    assert cards["stations"].value == 2
    rows = {str(row.label): row.value for row in cards["stations"].rows}
    assert rows["职工之家"] == 1 and rows["暂停服务"] == 1
    assert cards["station_visits"].value == 0  # 新街口's visit is not 东城's
    city = {card.key: card for card in figures_for(world.scope("city_admin"))}
    assert city["stations"].value == 3 and city["station_visits"].value == 1
    page = login("dongcheng_admin").get("/").content.decode()
    assert 'data-figure="stations"' in page and "/stations/?kind=worker_home" in page


def test_list_sorts_by_pinyin_and_finds_by_initials(world, login):
    for name in ("张自忠路暖心驿站", "安定门暖心驿站", "龙潭湖职工之家"):
        make_station(world, name=name)
    client = login("longtan_officer")
    names = [s.name for s in client.get("/stations/").context["page"].object_list]
    assert names == ["安定门暖心驿站", "龙潭湖职工之家", "张自忠路暖心驿站"]
    found = client.get("/stations/", {"q": "lthzgzj"}).context["page"].object_list
    assert [s.name for s in found] == ["龙潭湖职工之家"]
