"""The worker's pages: no login, a device cookie, a signed ticket, one check-in a day."""

import re

import pytest
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.stations.h5 import DEVICE_COOKIE
from gonghui.stations.models import StationVisit
from gonghui.stations.services import station_check_in, station_set_status, station_visit_rate
from gonghui.stations.tests.factories import make_station


def open_page(client: Client, station) -> tuple[str, str]:
    """GET the station's page as a worker who scanned its plate: (page, ticket)."""
    response = client.get(f"/h5/stations/{station.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    ticket = re.search(r'name="ticket" value="([^"]+)"', page)
    return page, ticket.group(1) if ticket else ""


@pytest.fixture
def station(world):
    return make_station(world, contact_person="王师傅", contact_phone="13912345678")


def test_map_page_needs_no_login_and_carries_the_tile_settings(db, settings):
    settings.STATION_TILE_URL = "https://tiles.example.cn/{z}/{x}/{y}.png"
    settings.STATION_TILE_CRS = "wgs84"
    page = Client().get("/h5/stations/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "tiles.example.cn" in text and '"crs": "wgs84"' in text
    assert "/static/vendor/leaflet/leaflet.js" in text
    assert Client().get("/h5/").content.decode().count("/h5/stations/") == 1  # the H5 tile


def test_station_page_is_public_without_staff_only_details(station):
    client = Client()
    page, ticket = open_page(client, station)
    assert station.name in page and ticket
    assert "王师傅" not in page and "13912345678" not in page
    assert client.cookies[DEVICE_COOKIE].value  # the device is remembered from now on


def test_scan_check_in_and_rate(station):
    # given: a worker scanned the plate
    client = Client()
    _page, ticket = open_page(client, station)
    # when: they check in, twice (a double tap), then rate
    first = client.post(f"/h5/stations/{station.code}/check-in/", {"ticket": ticket})
    client.post(f"/h5/stations/{station.code}/check-in/", {"ticket": ticket})
    page, ticket = open_page(client, station)
    client.post(
        f"/h5/stations/{station.code}/rate/", {"ticket": ticket, "rating": "5", "note": "谢谢"}
    )
    # then
    assert first.status_code == 302
    assert "今天" in page or "today" in page
    visit = StationVisit.objects.get()
    assert (visit.rating, visit.note) == (5, "谢谢")
    assert AuditEvent.objects.filter(action="station.check_in").count() == 1
    assert AuditEvent.objects.get(action="station.rate").actor is None


def test_a_check_in_without_the_pages_ticket_counts_nothing(station):
    client = Client()
    _page, ticket = open_page(client, station)
    bare = client.post(f"/h5/stations/{station.code}/check-in/", {})
    assert bare.status_code == 400
    other_device = Client()  # a ticket copied to another phone (or a script without cookie)
    other_device.cookies[DEVICE_COOKIE] = "someone-else-0000000000"
    copied = other_device.post(f"/h5/stations/{station.code}/check-in/", {"ticket": ticket})
    assert copied.status_code == 400
    assert not StationVisit.objects.exists()


def test_a_ticket_is_for_one_station(world, station):
    other = make_station(world)
    client = Client()
    _page, ticket = open_page(client, station)
    wrong = client.post(f"/h5/stations/{other.code}/check-in/", {"ticket": ticket})
    assert wrong.status_code == 400 and not StationVisit.objects.exists()


def test_suspended_station_shows_but_takes_no_check_in(world, station):
    station_set_status(scope=world.scope("longtan_officer"), station=station, status="suspended")
    client = Client()
    page, ticket = open_page(client, station)
    assert "check-in-button" not in page
    response = client.post(f"/h5/stations/{station.code}/check-in/", {"ticket": ticket})
    assert response.status_code == 400 and not StationVisit.objects.exists()


def test_closed_station_has_no_public_page(world, station):
    station_set_status(scope=world.scope("longtan_officer"), station=station, status="closed")
    assert Client().get(f"/h5/stations/{station.code}/").status_code == 404


def test_notes_stay_with_staff(world, station):
    station_check_in(station=station, device="x" * 20)
    station_visit_rate(station=station, device="x" * 20, rating=2, note="厕所坏了")
    assert "厕所坏了" not in Client().get(f"/h5/stations/{station.code}/").content.decode()


def test_a_tile_system_leaflet_cannot_draw_is_refused_at_start(settings):
    from gonghui.stations.apps import check_tile_settings

    assert check_tile_settings(None) == []
    settings.STATION_TILE_CRS = "bd09"
    assert [error.id for error in check_tile_settings(None)] == ["stations.E001"]
