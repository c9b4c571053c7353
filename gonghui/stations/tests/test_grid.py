"""The grid's promise: after each ring, every point within the reported radius has been read."""

import math

from hypothesis import given
from hypothesis import strategies as st

from gonghui.stations import grid
from gonghui.stations.coords import haversine_m

LEVELS = {level.column: level for level in (grid.FINE, grid.COARSE)}


def covered(steps, lat: float, lng: float) -> bool:
    for ring in steps:
        key = LEVELS[ring.column].key(lat, lng)
        if any(first <= key <= last for first, last in ring.ranges):
            return True
    return False


@given(
    st.floats(18.0, 54.0),
    st.floats(73.0, 135.0),
    st.floats(0, 2 * math.pi),
    st.floats(0, 1.0),
    st.sampled_from([1_000, 5_000, 50_000]),
    st.integers(0, 8),
)
def test_every_point_within_the_reach_of_a_step_lies_in_the_cells_read(
    lat, lng, bearing, fraction, max_radius, step
):
    # given: the search steps around a point, and another point inside one step's reach
    steps = list(grid.rings(lat, lng, max_radius))
    steps = steps[: min(step, len(steps) - 1) + 1]
    reach = steps[-1].radius_m
    distance = reach * fraction
    other_lat = lat + distance * math.cos(bearing) / grid.M_PER_DEG_LAT
    other_lng = lng + distance * math.sin(bearing) / (
        grid.M_PER_DEG_LAT * math.cos(math.radians(other_lat))
    )
    if haversine_m(lat, lng, other_lat, other_lng) > reach:
        return  # the flat-earth step overshot; nothing is promised out there
    # then: its cell is in one of the ranges read so far
    assert covered(steps, other_lat, other_lng)


@given(st.floats(18.0, 54.0), st.floats(73.0, 135.0), st.floats(0, 200_000))
def test_skipping_steps_keeps_the_promise(lat, lng, wanted):
    search = grid.RingSearch(lat, lng, 50_000)
    steps = [search.next(wanted)]
    while (ring := search.next()) is not None:
        steps.append(ring)
    assert steps[-1].radius_m >= 50_000
    assert covered(steps, lat + 0.4, lng) or haversine_m(lat, lng, lat + 0.4, lng) > 50_000


def test_the_last_step_reaches_the_maximum_radius_and_rings_of_a_level_do_not_overlap():
    for lat, lng in [(39.9, 116.4), (22.3, 114.1), (53.4, 122.3), (18.25, 109.5)]:
        steps = list(grid.rings(lat, lng, 50_000))
        assert steps[-1].radius_m >= 50_000
        seen: dict[str, set[int]] = {"cell": set(), "cell_coarse": set()}
        for ring in steps:
            for first, last in ring.ranges:
                keys = set(range(first, last + 1))
                assert not keys & seen[ring.column]
                seen[ring.column] |= keys


def test_a_query_carries_few_conditions():
    for lat in (0.0, 39.9, 53.0, 80.0):
        steps = list(grid.rings(lat, 116.4, 50_000))
        assert max(len(grid.merge_ranges(ring.ranges)) for ring in steps) <= 62
        assert [ring.column for ring in steps][-1] == "cell_coarse"


def test_merge_ranges_joins_neighbours():
    assert grid.merge_ranges(((5, 6), (1, 2), (3, 4), (8, 9))) == [(1, 6), (8, 9)]
