"""Coordinate conversions against reference pairs published with other implementations.

Where each pair comes from, and what it can prove:

- WANDERGIS: the README example of wandergis/coordtransform (JavaScript, test/app.js), all four
  conversions of the input (lng 116.404, lat 39.915). Its GCJ-02 -> WGS-84 is a one-step
  approximation and its BD-09 -> GCJ-02 the closed-form approximation, so for those two we
  expect agreement to about 1e-6 degrees (10 cm), not to the last digit; the forward ones
  are exact formulas and must match to 1e-9.
- EVILTRANSFORM: googollee/eviltransform's test vectors (go/transform_test.go, python/test.py),
  WGS-84 -> GCJ-02 in Shanghai, Shenzhen and Beijing, also compared to 1e-9.
- BAIDU_TO_WGS: eviltransform's two BD-09 -> WGS-84 pairs in 浙江. Neither eviltransform's own
  code nor ours reproduces them closer than about 40 m: they look like answers from Baidu's
  service, whose real offset the public BD-09 formula only approximates. They are kept with a
  50 m tolerance as a check that the conversion chain runs the right way round (a wrong
  direction is off by about a kilometre).
- TIANANMEN: two vendors' documentation examples for 天安门: AMap's demo centre (GCJ-02)
  116.397428, 39.90923 and Baidu's demo point (BD-09) 116.404, 39.915, plus Wikipedia's
  WGS-84 coordinates of the gate, 39°54′26″N 116°23′27″E. They name the same place, not the
  same point, so they agree to within about 100 m; unconverted they are 600-850 m apart.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.stations.coords import (
    Crs,
    bd09_to_gcj02,
    convert,
    from_gcj02,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    out_of_china,
    to_gcj02,
    wgs84_to_gcj02,
)

EXACT = 1e-9
WANDERGIS_INPUT = (39.915, 116.404)  # (lat, lng)
WANDERGIS = {
    "bd09_to_gcj02": (39.90865673957631, 116.39762729119315),
    "gcj02_to_bd09": (39.92133699351021, 116.41036949371029),
    "wgs84_to_gcj02": (39.91640428150164, 116.41024449916938),
    "gcj02_to_wgs84": (39.91359571849836, 116.39775550083061),
}
EVILTRANSFORM = [  # (wgs lat, wgs lng, gcj lat, gcj lng)
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
BAIDU_TO_WGS = [  # (bd lat, bd lng, wgs lat, wgs lng)
    (29.199786, 120.019809, 29.196131605295484, 120.00877901149691),
    (29.210504, 120.036455, 29.206795749156136, 120.0253853970846),
]
TIANANMEN_GCJ02 = (39.90923, 116.397428)  # AMap JS API examples
TIANANMEN_BD09 = (39.915, 116.404)  # Baidu Map API examples
TIANANMEN_WGS84 = (39.907222, 116.390833)  # Wikipedia, 39°54′26″N 116°23′27″E


def close(a, b, tolerance):
    return abs(a[0] - b[0]) < tolerance and abs(a[1] - b[1]) < tolerance


def test_forward_conversions_match_the_published_values_exactly():
    assert close(wgs84_to_gcj02(*WANDERGIS_INPUT), WANDERGIS["wgs84_to_gcj02"], EXACT)
    assert close(gcj02_to_bd09(*WANDERGIS_INPUT), WANDERGIS["gcj02_to_bd09"], EXACT)
    for wgs_lat, wgs_lng, gcj_lat, gcj_lng in EVILTRANSFORM:
        assert close(wgs84_to_gcj02(wgs_lat, wgs_lng), (gcj_lat, gcj_lng), EXACT)


def test_inverse_conversions_agree_with_the_published_approximations():
    assert close(gcj02_to_wgs84(*WANDERGIS_INPUT), WANDERGIS["gcj02_to_wgs84"], 1e-6)
    assert close(bd09_to_gcj02(*WANDERGIS_INPUT), WANDERGIS["bd09_to_gcj02"], 1e-6)
    for wgs_lat, wgs_lng, gcj_lat, gcj_lng in EVILTRANSFORM:
        # eviltransform's exact inverse promises < 0.5 m; ours iterates to 1e-7 degrees.
        wgs = gcj02_to_wgs84(gcj_lat, gcj_lng)
        assert haversine_m(*wgs, wgs_lat, wgs_lng) < 0.05


def test_baidu_pairs_within_the_accuracy_of_the_public_formula():
    for bd_lat, bd_lng, wgs_lat, wgs_lng in BAIDU_TO_WGS:
        wgs = convert(bd_lat, bd_lng, Crs.BD09, Crs.WGS84)
        assert haversine_m(*wgs, wgs_lat, wgs_lng) < 50
        assert haversine_m(bd_lat, bd_lng, wgs_lat, wgs_lng) > 800  # the offset is real


def test_tiananmen_in_three_systems_is_one_place():
    assert haversine_m(*gcj02_to_bd09(*TIANANMEN_GCJ02), *TIANANMEN_BD09) < 100
    assert haversine_m(*gcj02_to_wgs84(*TIANANMEN_GCJ02), *TIANANMEN_WGS84) < 100
    assert haversine_m(*to_gcj02(*TIANANMEN_BD09, Crs.BD09), *TIANANMEN_GCJ02) < 100
    # ... and taking one system for another would put it hundreds of metres off.
    assert haversine_m(*TIANANMEN_WGS84, *TIANANMEN_GCJ02) > 500
    assert haversine_m(*TIANANMEN_BD09, *TIANANMEN_GCJ02) > 800


CHINA = st.tuples(st.floats(18.0, 53.0), st.floats(74.0, 134.0))


@given(CHINA)
def test_round_trips_return_the_input_within_1e_6_degrees(point):
    assert close(gcj02_to_wgs84(*wgs84_to_gcj02(*point)), point, 1e-6)
    assert close(wgs84_to_gcj02(*gcj02_to_wgs84(*point)), point, 1e-6)
    assert close(bd09_to_gcj02(*gcj02_to_bd09(*point)), point, 1e-6)
    for crs in Crs:
        assert close(to_gcj02(*from_gcj02(*point, crs), crs), point, 1e-6)


def test_outside_china_gcj02_is_wgs84():
    tokyo, london = (35.6812, 139.7671), (51.5074, -0.1278)
    for point in (tokyo, london):
        assert out_of_china(*point)
        assert wgs84_to_gcj02(*point) == point == gcj02_to_wgs84(*point)


def test_haversine_on_a_sphere_of_the_mean_earth_radius():
    # One degree along a meridian, or along the equator, is 2πR/360 = 111,194.9 m.
    assert haversine_m(39.0, 116.0, 40.0, 116.0) == pytest.approx(111_194.9, abs=0.5)
    assert haversine_m(0.0, 100.0, 0.0, 101.0) == pytest.approx(111_194.9, abs=0.5)
    # Away from the equator a degree of longitude shrinks with cos(latitude) (nearly).
    assert haversine_m(60.0, 10.0, 60.0, 11.0) == pytest.approx(111_194.9 / 2, rel=1e-3)
