"""A rider's phone, no map tiles: the station finder still finds the nearest open station with a
microwave, and a scanned plate checks in."""

import re

import pytest
from playwright.sync_api import Page, expect

from gonghui.stations.coords import wgs84_to_gcj02
from gonghui.stations.hours import ALWAYS_OPEN, OpeningHours
from gonghui.stations.models import Station
from gonghui.stations.services import station_set_status
from gonghui.stations.tests.factories import make_station, offset

# Where the phone says it is (WGS-84, by 龙潭湖), and the same place as stored (GCJ-02).
RIDER_WGS84 = (39.8750, 116.4250)
RIDER_GCJ02 = wgs84_to_gcj02(*RIDER_WGS84)
NEVER_OPEN = OpeningHours().to_json()


def at(**metres) -> dict:
    lat, lng = offset(RIDER_GCJ02, **metres)
    return {"lat": lat, "lng": lng}


@pytest.fixture
def stations(world):
    microwave = ["water", "microwave"]
    expected = make_station(world, name="微波炉暖心驿站", services=microwave, **at(east_m=400))
    make_station(world, name="最近但没有微波炉", services=["water"], **at(north_m=100))
    make_station(
        world, name="有微波炉但已打烊", services=microwave, hours=NEVER_OPEN, **at(north_m=-150)
    )
    paused = make_station(world, name="暂停服务的驿站", services=microwave, **at(east_m=-200))
    station_set_status(scope=world.scope("dongcheng_admin"), station=paused, status="suspended")
    # Stored at the phone's WGS-84 numbers as if they were GCJ-02: some 540 m away in truth,
    # but first in the list if the page or the API mixed up coordinate systems.
    trap_lat, trap_lng = RIDER_WGS84
    make_station(world, name="坐标系陷阱", services=microwave, lat=trap_lat, lng=trap_lng)
    make_station(world, name="三公里外", services=microwave, **at(north_m=3000))
    assert expected.hours == ALWAYS_OPEN.to_json()  # open whenever the test runs
    return expected


def block_everything_but_the_site(page: Page, live_server) -> list[str]:
    """Abort every request that leaves the test server (map tiles above all); return them."""
    blocked: list[str] = []

    def handle(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return blocked


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_finder_without_tiles_lists_the_nearest_open_station_with_a_microwave(
    page: Page, live_server, settings, stations
):
    # given: tiles from a server the phone cannot reach, and the phone's position granted
    settings.STATION_TILE_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    blocked = block_everything_but_the_site(page, live_server)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": RIDER_WGS84[0], "longitude": RIDER_WGS84[1]})
    page.goto("/h5/stations/")
    items = page.get_by_test_id("station-item")
    expect(items.first).to_contain_text("最近但没有微波炉")  # nearest of all, no filter yet
    # when: the rider wants a microwave, open now
    page.locator("label.chip", has_text="微波炉热饭").click()
    page.locator("label.toggle", has_text="开放中").click()
    # then: the nearest open station with a microwave comes first
    expect(items.first).to_contain_text("微波炉暖心驿站")
    expect(items.first).to_contain_text("400 米")
    expect(items.nth(1)).to_contain_text("坐标系陷阱")
    names = page.get_by_test_id("station-list").inner_text()
    for absent in ("最近但没有微波炉", "有微波炉但已打烊", "暂停服务的驿站"):
        assert absent not in names
    route = items.first.get_by_role("link", name="导航")
    expect(route).to_have_attribute("href", re.compile(r"^https://uri\.amap\.com/navigation\?to="))
    # and the page says the map is missing instead of leaving a grey box
    expect(page.locator("#finder-map-note")).to_contain_text("地图暂时无法显示")
    assert any("tiles.example.invalid" in url for url in blocked)
    page.screenshot(path="test-results/stations-finder-phone.png", full_page=True)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_finder_without_location_offers_districts(page: Page, live_server, stations):
    block_everything_but_the_site(page, live_server)
    page.context.clear_permissions()
    page.goto("/h5/stations/")
    expect(page.get_by_test_id("finder-where")).to_contain_text("请选择所在区域")
    page.get_by_test_id("district").select_option(label="东城区")
    expect(page.get_by_test_id("station-item").first).to_be_visible()
    expect(page.locator("#finder-status")).to_contain_text("东城区")


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_scan_a_plate_check_in_and_rate(page: Page, live_server, stations):
    block_everything_but_the_site(page, live_server)
    page.goto(f"/h5/stations/{stations.code}/")
    page.get_by_test_id("check-in-button").click()
    expect(page.get_by_test_id("check-in")).to_contain_text("已在本站打卡")
    page.locator("label[for=rating-5]").click()
    page.fill("#id_note", "热饭很方便")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("check-in")).to_contain_text("感谢您的评价")
    visit = Station.objects.get(pk=stations.pk).visits.get()
    assert (visit.rating, visit.note) == (5, "热饭很方便")
