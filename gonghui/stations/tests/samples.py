"""Records of 新街口 for the route walk in core/tests/test_scope_routes.py: a station with a
visit, a rating whose note names 新街口 (staff-only text that must never reach an outsider)
and a photo. The station's public details avoid the walk's markers on purpose: its worker
page is public, so anyone may see them."""

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.scope import scope_for_user
from gonghui.stations.hours import ALWAYS_OPEN
from gonghui.stations.services import (
    station_check_in,
    station_create,
    station_photo_add,
    station_visit_rate,
)

# The smallest valid PNG: one transparent pixel.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
DEVICE = "sample-device-000000001"


def make_samples(world, org) -> None:
    scope = scope_for_user(world.users["xinjiekou_admin"])
    station = station_create(
        scope=scope,
        org=org,
        name="玉桃园暖心驿站",
        kind="warm_station",
        venue_kind="bank",
        venue_name="中国银行西直门支行",
        address="北京市西城区西直门内大街132号",
        lat=39.9407,
        lng=116.3638,
        crs="gcj02",
        services=["water", "microwave", "charging"],
        hours=ALWAYS_OPEN.to_json(),
        contact_person="陈静",
        contact_phone="13800001234",
    )
    station_check_in(station=station, device=DEVICE)
    station_visit_rate(station=station, device=DEVICE, rating=5, note="新街口的驿站很温暖")
    upload = SimpleUploadedFile("door.png", PNG_1PX, content_type="image/png")
    station_photo_add(scope=scope, station=station, upload=upload, caption="门口")
