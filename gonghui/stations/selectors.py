"""Reads of stations and their use. Staff reads go through a Scope; the public reads
(``public_*``) show only what is on the open map: listed stations, no personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from gonghui.core.errors import NotFoundError
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope, get_scoped
from gonghui.stations.hours import CHINA_TZ
from gonghui.stations.models import (
    PUBLIC_STATUSES,
    SERVICE_BITS,
    Station,
    StationPhoto,
    StationVisit,
)


def china_today() -> date:
    return timezone.now().astimezone(CHINA_TZ).date()


def station_list(
    scope: Scope,
    *,
    q: str = "",
    kind: str = "",
    status: str = "",
    service: str = "",
    org_code: str = "",
) -> QuerySet[Station]:
    stations = scope.filter(Station.objects.select_related("org"))
    if q.strip():
        q = q.strip()
        key = q.lower().replace(" ", "")
        stations = stations.filter(
            Q(name__icontains=q)
            | Q(address__icontains=q)
            | Q(venue_name__icontains=q)
            | Q(code__iexact=q)
            | Q(name_pinyin__contains=key)
            | Q(name_initials__startswith=key)
        )
    if kind:
        stations = stations.filter(kind=kind)
    if status:
        stations = stations.filter(status=status)
    if service in SERVICE_BITS:
        bit = SERVICE_BITS[service]
        stations = stations.alias(has=_bit(bit)).filter(has=bit)
    if org_code:
        org = scope.orgs().filter(code=org_code).first()
        stations = stations.filter(org__path__startswith=org.path) if org else stations.none()
    return stations.order_by("org__path", "name_pinyin")


def _bit(bit: int):
    return F("services_mask").bitand(bit)


def with_recent_use(stations: QuerySet[Station], *, days: int = 7) -> QuerySet[Station]:
    """Each station with its visits over the last ``days`` days and its average rating."""
    since = china_today() - timedelta(days=days - 1)
    return stations.annotate(
        recent_visits=Count("visits", filter=Q(visits__day__gte=since)),
        average_rating=Avg("visits__rating"),
    )


def get_station_for(scope: Scope, *, station_id: int, perm: Perm = Perm.VIEW) -> Station:
    return get_scoped(scope, Station.objects.select_related("org"), perm=perm, pk=station_id)


def get_photo_for(scope: Scope, *, photo_id: int, perm: Perm = Perm.VIEW) -> StationPhoto:
    return get_scoped(
        scope, StationPhoto.objects.select_related("station", "org"), perm=perm, pk=photo_id
    )


@dataclass(frozen=True)
class DayUse:
    day: date
    visits: int
    ratings: int
    average_rating: float | None


def station_daily_use(scope: Scope, station: Station, *, days: int = 30) -> list[DayUse]:
    """Person-times per day over the last ``days`` days, oldest first, days without use as 0."""
    if not scope.covers(station.org):
        return []
    today = china_today()
    since = today - timedelta(days=days - 1)
    rows = (
        StationVisit.objects.filter(station=station, day__gte=since)
        .values("day")
        .annotate(n=Count("id"), rated=Count("rating"), avg=Avg("rating"))
    )
    by_day = {row["day"]: row for row in rows}
    result = []
    for offset in range(days):
        day = since + timedelta(days=offset)
        row = by_day.get(day, {})
        result.append(DayUse(day, row.get("n", 0), row.get("rated", 0), row.get("avg")))
    return result


def station_feedback(scope: Scope, station: Station) -> QuerySet[StationVisit]:
    """Visits that left a rating or a note, newest first."""
    if not scope.covers(station.org):
        return StationVisit.objects.none()
    return (
        StationVisit.objects.filter(station=station)
        .exclude(rating__isnull=True, note="")
        .order_by("-rated_at", "-id")
    )


def station_totals(scope: Scope, station: Station) -> dict:
    if not scope.covers(station.org):
        return {}
    return StationVisit.objects.filter(station=station).aggregate(
        visits=Count("id"), ratings=Count("rating"), average_rating=Avg("rating")
    )


# -- dashboard roll-ups --------------------------------------------------------------------


def station_counts(scope: Scope) -> dict[tuple[str, str], int]:
    """{(kind, status): number of stations} over the scope's subtrees."""
    rows = scope.filter(Station.objects.all()).values("kind", "status").annotate(n=Count("id"))
    return {(row["kind"], row["status"]): row["n"] for row in rows.order_by()}


def visit_counts(scope: Scope, *, days: int = 7) -> dict[str, int]:
    """{station kind: person-times} over the last ``days`` days, plus "ratings"."""
    since = china_today() - timedelta(days=days - 1)
    visits = scope.filter(StationVisit.objects.filter(day__gte=since))
    rows = visits.values("station__kind").annotate(n=Count("id"), rated=Count("rating"))
    counts = {row["station__kind"]: row["n"] for row in rows.order_by()}
    counts["ratings"] = sum(row["rated"] for row in rows.order_by())
    return counts


# -- public reads (no login) ---------------------------------------------------------------


def public_stations() -> QuerySet[Station]:
    """What the public map may show: listed stations of active orgs."""
    return Station.objects.filter(status__in=PUBLIC_STATUSES, org__status="active")


def public_station(code: str) -> Station:
    station = public_stations().filter(code=code).first()
    if station is None:
        raise NotFoundError()
    return station


def public_photo(photo_id: int) -> StationPhoto | None:
    return (
        StationPhoto.objects.filter(pk=photo_id, station__in=public_stations())
        .select_related("station")
        .first()
    )


def device_visit_today(station: Station, device: str) -> StationVisit | None:
    if not device:
        return None
    return StationVisit.objects.filter(station=station, device=device, day=china_today()).first()
