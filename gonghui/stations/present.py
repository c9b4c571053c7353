"""How a station is shown to workers, the same on the H5 pages and in the public API."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.stations.coords import Crs, from_gcj02
from gonghui.stations.hours import CHINA_TZ, OpeningHours, describe_day
from gonghui.stations.models import Station, StationStatus
from gonghui.stations.nearby import Found


def route_url(station: Station) -> str:
    """Opens the walking route in AMap (the app if installed, else its mobile web page).
    The stored coordinates are GCJ-02, which AMap calls "gaode"."""
    to = f"{station.lng:.6f},{station.lat:.6f},{quote(station.name)}"
    return f"https://uri.amap.com/navigation?to={to}&mode=walk&coordinate=gaode&callnative=1"


def public_url(station: Station) -> str:
    return reverse("stations_h5:station", args=[station.code])


def hours_today(station: Station, at: datetime) -> str:
    """ "08:00–20:00", "Open 24 hours", "Closed for the public holiday" ..."""
    if station.status == StationStatus.SUSPENDED:
        return _("Suspended for now")
    hours = OpeningHours.from_stored(station.hours)
    today = at.astimezone(CHINA_TZ).date()
    text = describe_day(hours.schedule_for(today))
    reason = hours.why(today)
    return f"{text} ({reason})" if reason else text


def public_item(found: Found, *, crs: Crs | str, at: datetime) -> dict:
    station = found.station
    lat, lng = from_gcj02(station.lat, station.lng, crs)
    return {
        "code": station.code,
        "name": station.name,
        "kind": station.kind,
        "kind_label": station.get_kind_display(),
        "status": station.status,
        "venue_kind": station.venue_kind,
        "venue_name": station.venue_name,
        "address": station.address,
        "lat": round(lat, 7),
        "lng": round(lng, 7),
        "distance_m": round(found.distance_m),
        "open_now": found.open_now,
        "hours_today": hours_today(station, at),
        "services": station.services,
        "service_phone": station.service_phone,
        "url": public_url(station),
        "route_url": route_url(station),
    }
