"""Coordinate systems used for map points in China, and conversions between them.

- WGS-84: GPS, a phone browser's geolocation, OpenStreetMap.
- GCJ-02 (国测局坐标, "Mars coordinates"): the obfuscated system every map published in
  mainland China must use: AMap (高德), Tencent, Google's China tiles. Stations are stored in
  GCJ-02 because most Chinese inputs and tiles already are.
- BD-09: Baidu's further offset on top of GCJ-02.

The GCJ-02 offset is the widely published algorithm (Krasovsky ellipsoid constants); its
inverse has no closed form, so GCJ-02 -> WGS-84 iterates the forward function until the
error is below 1e-7 degrees (about 1 cm). Outside mainland China GCJ-02 equals WGS-84.
"""

from __future__ import annotations

import math
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Crs(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"

    @property
    def label(self) -> str:
        return str(CRS_LABELS[self])


CRS_LABELS = {
    Crs.WGS84: _("WGS-84 (GPS, phone location)"),
    Crs.GCJ02: _("GCJ-02 (AMap, Tencent)"),
    Crs.BD09: _("BD-09 (Baidu)"),
}
CRS_CHOICES = [(crs.value, CRS_LABELS[crs]) for crs in Crs]

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as in the published algorithm
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
_PRECISION = 1e-7
EARTH_RADIUS_M = 6371008.8  # mean radius (IUGG) for great-circle distances


def out_of_china(lat: float, lng: float) -> bool:
    """The rough box in which the GCJ-02 offset applies (the common published bounds)."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(lat: float, lng: float) -> tuple[float, float]:
    """The GCJ-02 shift (dlat, dlng) in degrees at a WGS-84 point."""
    x, y = lng - 105.0, lat - 35.0
    common = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += common
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2 / 3
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlng += common
    dlng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    dlng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlng = dlng * 180.0 / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlat, dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return lat, lng
    dlat, dlng = _offset(lat, lng)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Invert ``wgs84_to_gcj02`` by fixed-point iteration (converges in 3-5 steps)."""
    if out_of_china(lat, lng):
        return lat, lng
    wlat, wlng = lat, lng
    for _step in range(30):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        dlat, dlng = glat - lat, glng - lng
        if abs(dlat) < _PRECISION and abs(dlng) < _PRECISION:
            break
        wlat, wlng = wlat - dlat, wlng - dlng
    return wlat, wlng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """The published closed-form inverse, refined by iteration so that a round trip through
    ``gcj02_to_bd09`` returns the input to within 1e-7 degrees."""
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    glat, glng = z * math.sin(theta), z * math.cos(theta)
    for _step in range(10):
        blat, blng = gcj02_to_bd09(glat, glng)
        dlat, dlng = blat - lat, blng - lng
        if abs(dlat) < _PRECISION and abs(dlng) < _PRECISION:
            break
        glat, glng = glat - dlat, glng - dlng
    return glat, glng


def to_gcj02(lat: float, lng: float, crs: Crs | str) -> tuple[float, float]:
    """A point given in ``crs``, in the stored system."""
    crs = Crs(crs)
    if crs is Crs.WGS84:
        return wgs84_to_gcj02(lat, lng)
    if crs is Crs.BD09:
        return bd09_to_gcj02(lat, lng)
    return lat, lng


def from_gcj02(lat: float, lng: float, crs: Crs | str) -> tuple[float, float]:
    """A stored point, in the system a client asked for."""
    crs = Crs(crs)
    if crs is Crs.WGS84:
        return gcj02_to_wgs84(lat, lng)
    if crs is Crs.BD09:
        return gcj02_to_bd09(lat, lng)
    return lat, lng


def convert(lat: float, lng: float, source: Crs | str, target: Crs | str) -> tuple[float, float]:
    if Crs(source) is Crs(target):
        return lat, lng
    return from_gcj02(*to_gcj02(lat, lng, source), target)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
