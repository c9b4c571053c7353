"""The station finder: the nearest listed stations to a point, with filters, on any database.

The grid (grid.py) is read ring by ring around the point. After each ring the search knows a
radius within which it has read every station; once ``limit`` matching stations lie within
that radius the answer is final, because anything not yet read is farther away. Filters
apply inside the loop (services in SQL through a bit mask, "open now" in Python on the
nearest candidates only), so a rare service keeps the search widening until it has enough matches or
reaches ``MAX_RADIUS_M``. Distances are exact great-circle distances, sorted in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.utils import timezone

from gonghui.orgs.models import Org, OrgStatus
from gonghui.stations import grid
from gonghui.stations.coords import Crs, haversine_m, to_gcj02
from gonghui.stations.hours import OpeningHours
from gonghui.stations.models import PUBLIC_STATUSES, Station, StationStatus, services_mask
from gonghui.stations.selectors import public_stations

MAX_RADIUS_M = 50_000
DEFAULT_LIMIT = 10
MAX_LIMIT = 50


@dataclass(frozen=True)
class Found:
    station: Station
    distance_m: float
    open_now: bool


@dataclass
class NearbyResult:
    lat: float  # the query point in GCJ-02
    lng: float
    radius_m: float  # every matching station within this distance is among the candidates
    items: list[Found] = field(default_factory=list)


@dataclass(order=True)
class _Candidate:
    distance_m: float
    pk: int
    open_at: bool | None = field(default=None, compare=False)  # known once its hours are read


def is_open_now(station: Station, at: datetime) -> bool:
    if station.status != StationStatus.OPEN:
        return False
    return OpeningHours.from_stored(station.hours).is_open(at)


def _ring_sql(
    column: str, ranges: list[tuple[int, int]], statuses: list[str], mask: int
) -> tuple[str, list]:
    """The listed stations of one ring, as (id, lat, lng): one index range per key range.

    Hand-written because the ORM's form, an ``OR`` of ranges, costs PostgreSQL several
    milliseconds just to plan once a ring is wide. Here the ranges are rows (an array pair
    on PostgreSQL, read through a LATERAL subquery that ``OFFSET 0`` keeps from being
    flattened into a join the planner would misjudge; a ``VALUES`` list on SQLite, whose
    planner loops over it by itself), so planning stays in microseconds, and every column
    read is in the ``station_nearby`` indexes, so the table itself is not touched. What is
    listed must stay what ``selectors.public_stations`` lists (a test compares the two
    through ``full_scan``).
    """
    station, org = Station._meta.db_table, Org._meta.db_table
    filters = f"s.status IN ({', '.join(['%s'] * len(statuses))}) AND (s.services_mask & %s) = %s"
    if connection.vendor == "postgresql":
        sql = (
            "SELECT s.id, s.lat, s.lng FROM unnest(%s::integer[], %s::integer[]) AS ring(lo, hi) "
            f"CROSS JOIN LATERAL (SELECT s.id, s.lat, s.lng, s.org_id FROM {station} s "
            f"WHERE s.{column} BETWEEN ring.lo AND ring.hi AND {filters} OFFSET 0) s "
            f"JOIN {org} o ON o.id = s.org_id WHERE o.status = %s"
        )
        bounds = [[lo for lo, _hi in ranges], [hi for _lo, hi in ranges]]
    else:
        sql = (
            f"WITH ring(lo, hi) AS (VALUES {', '.join(['(%s, %s)'] * len(ranges))}) "
            f"SELECT s.id, s.lat, s.lng FROM ring "
            f"JOIN {station} s ON s.{column} BETWEEN ring.lo AND ring.hi "
            f"JOIN {org} o ON o.id = s.org_id WHERE {filters} AND o.status = %s"
        )
        bounds = [bound for pair in ranges for bound in pair]
    return sql, [*bounds, *statuses, mask, mask, OrgStatus.ACTIVE]


def _read_ring(
    ring: grid.Ring, lat: float, lng: float, statuses: list[str], mask: int
) -> list[_Candidate]:
    sql, params = _ring_sql(ring.column, grid.merge_ranges(ring.ranges), statuses, mask)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_Candidate(haversine_m(lat, lng, la, ln), pk) for pk, la, ln in cursor.fetchall()]


def _read_open_state(candidates: list[_Candidate], at: datetime) -> None:
    """Whether each candidate is open at ``at``, reading only their hours (by primary key)."""
    hours = dict(
        Station.objects.filter(pk__in=[c.pk for c in candidates]).values_list("pk", "hours")
    )
    for candidate in candidates:
        candidate.open_at = OpeningHours.from_stored(hours[candidate.pk]).is_open(at)


def _matches(
    candidates: list[_Candidate], radius_m: float, limit: int, open_at: datetime | None
) -> list[_Candidate]:
    """The nearest ``limit`` candidates within ``radius_m`` that pass "open now" (whose hours
    are read a batch at a time, nearest first, only as far as needed)."""
    within = [c for c in sorted(candidates) if c.distance_m <= radius_m]
    if open_at is None:
        return within[:limit]
    chosen: list[_Candidate] = []
    for start in range(0, len(within), 2 * limit):
        batch = within[start : start + 2 * limit]
        unknown = [c for c in batch if c.open_at is None]
        if unknown:
            _read_open_state(unknown, open_at)
        chosen += [c for c in batch if c.open_at]
        if len(chosen) >= limit:
            break
    return chosen[:limit]


def _wanted_radius(radius_m: float, found: int, limit: int) -> float:
    """How far the next ring should reach to hold ``limit`` matches, if they are spread as
    evenly as the ``found`` ones within ``radius_m`` (four times as far when none were)."""
    if not found:
        return radius_m * 4
    return radius_m * math.sqrt(limit / found) * 1.2


def nearby_stations(
    *,
    lat: float,
    lng: float,
    crs: Crs | str = Crs.WGS84,
    services: list[str] | tuple[str, ...] = (),
    open_now: bool = False,
    limit: int = DEFAULT_LIMIT,
    at: datetime | None = None,
    max_radius_m: float = MAX_RADIUS_M,
) -> NearbyResult:
    """The nearest ``limit`` listed stations to (``lat``, ``lng``) given in ``crs``, within
    ``max_radius_m``, nearest first; ``services`` must all be offered; ``open_now`` keeps
    only stations open at ``at`` (default: now)."""
    glat, glng = to_gcj02(lat, lng, crs)
    at = at or timezone.now()
    statuses = [StationStatus.OPEN] if open_now else list(PUBLIC_STATUSES)
    mask = services_mask(services)
    candidates: list[_Candidate] = []
    chosen: list[_Candidate] = []
    radius = wanted = 0.0
    search = grid.RingSearch(glat, glng, max_radius_m)
    seen: set[int] = set()
    while (ring := search.next(wanted)) is not None:
        for candidate in _read_ring(ring, glat, glng, statuses, mask):
            if candidate.pk not in seen:  # the first coarse ring overlaps the fine ones
                seen.add(candidate.pk)
                candidates.append(candidate)
        radius = min(ring.radius_m, max_radius_m)
        chosen = _matches(candidates, radius, limit, at if open_now else None)
        if len(chosen) >= limit:
            break
        wanted = _wanted_radius(radius, len(chosen), limit)
    stations = Station.objects.in_bulk([c.pk for c in chosen])
    items = [Found(stations[c.pk], c.distance_m, is_open_now(stations[c.pk], at)) for c in chosen]
    return NearbyResult(glat, glng, radius, items)


def full_scan(
    *, lat: float, lng: float, limit: int = DEFAULT_LIMIT, max_radius_m: float = MAX_RADIUS_M
) -> list[tuple[float, int]]:
    """The baseline the grid must beat and agree with: haversine over every listed station.
    (distance, pk) of the nearest ``limit`` within ``max_radius_m``; ``lat``/``lng`` GCJ-02."""
    rows = public_stations().values_list("pk", "lat", "lng")
    distances = sorted((haversine_m(lat, lng, la, ln), pk) for pk, la, ln in rows)
    return [row for row in distances if row[0] <= max_radius_m][:limit]
