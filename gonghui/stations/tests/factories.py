"""Stations for tests, made through the services like everywhere else."""

import math
from itertools import count

from gonghui.core.scope import scope_for_user
from gonghui.stations.hours import ALWAYS_OPEN
from gonghui.stations.services import station_create

_numbers = count(1)

# Near 龙潭湖 in 东城区, GCJ-02.
LONGTAN = (39.8765, 116.4315)


def make_station(world, org_code: str = "bj-dc-lt", *, by: str = "dongcheng_admin", **fields):
    """A warm station hosted by ``org_code``, open around the clock, at ``LONGTAN`` unless
    ``lat``/``lng`` say otherwise (GCJ-02 unless ``crs`` says otherwise)."""
    number = next(_numbers)
    values = {
        "name": f"测试暖心驿站{number}号",
        "kind": "warm_station",
        "venue_kind": "shop",
        "address": f"北京市东城区龙潭路{number}号",
        "lat": LONGTAN[0],
        "lng": LONGTAN[1],
        "crs": "gcj02",
        "hours": ALWAYS_OPEN.to_json(),
        "services": ["water"],
        **fields,
    }
    scope = scope_for_user(world.users[by])
    return station_create(scope=scope, org=world.org(org_code), **values)


def offset(point: tuple[float, float], *, north_m: float = 0, east_m: float = 0):
    """A point so many metres north and east of ``point`` (small distances)."""
    lat, lng = point
    return (
        lat + north_m / 111_194.9,
        lng + east_m / (111_194.9 * math.cos(math.radians(lat))),
    )
