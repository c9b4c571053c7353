from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gonghui.core.api import responses
from gonghui.core.errors import ApplicationError
from gonghui.core.permissions import Perm
from gonghui.orgs.selectors import get_org_for
from gonghui.stations import selectors, services
from gonghui.stations.coords import Crs, from_gcj02
from gonghui.stations.models import Service, Station, StationKind, StationStatus
from gonghui.stations.nearby import nearby_stations
from gonghui.stations.present import public_item
from gonghui.stations.schemas import (
    NearbyOut,
    NearbyQuery,
    StationCreateIn,
    StationDetailsIn,
    StationOut,
    StationPage,
    StationStatusIn,
)

router = Router(tags=["stations"])

OUT_FIELDS = (
    "id",
    "code",
    "name",
    "kind",
    "status",
    "venue_kind",
    "venue_name",
    "address",
    "services",
    "hours",
    "service_phone",
    "contact_person",
    "contact_phone",
    "created_at",
    "updated_at",
)


class StationFilter(Schema):
    q: str = Field("", description="Name, address, venue or public code")
    kind: StationKind | None = None
    status: StationStatus | None = None
    service: Service | None = None
    org: str = Field("", description="Only stations hosted in this org's subtree")
    crs: Crs = Field(Crs.GCJ02, description="Coordinate system of lat/lng in the answer")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


class CrsQuery(Schema):
    crs: Crs = Crs.GCJ02


def _out(station: Station, crs: Crs) -> dict:
    lat, lng = from_gcj02(station.lat, station.lng, crs)
    data = {name: getattr(station, name) for name in OUT_FIELDS}
    return {**data, "org_code": station.org.code, "crs": crs, "lat": lat, "lng": lng}


def _details(payload: StationDetailsIn) -> dict:
    # exclude_unset, not exclude_none: a null inside the hours (makeup_day_follows) means
    # something, while what a PATCH leaves out must stay as it is.
    fields = payload.dict(exclude_unset=True, exclude={"org_code", "lat", "lng", "crs"})
    if (payload.lat is None) != (payload.lng is None):
        raise ApplicationError(
            _("Give latitude and longitude together."), fields={"lat": [_("Required.")]}
        )
    if payload.lat is not None:
        fields["location"] = (payload.lat, payload.lng, payload.crs)
    return fields


@router.get(
    "/nearby",
    auth=None,
    response=responses(200, NearbyOut, 400, 422),
    url_name="stations_nearby",
    summary="The nearest stations to a point (public, no login)",
    description="Listed stations nearest first, with distance in metres and whether each is "
    "open now. lat/lng may be WGS-84 (GPS), GCJ-02 (AMap, Tencent) or BD-09 (Baidu); the "
    "answer uses the same system unless out_crs asks for another. Searches up to 50 km.",
)
def nearby(request, query: Query[NearbyQuery]):
    at = timezone.now()
    result = nearby_stations(
        lat=query.lat,
        lng=query.lng,
        crs=query.crs,
        services=[s.value for s in query.service],
        open_now=query.open_now,
        limit=query.limit,
        at=at,
    )
    out = query.out_crs or query.crs
    origin_lat, origin_lng = from_gcj02(result.lat, result.lng, out)
    items = [public_item(found, crs=out, at=at) for found in result.items]
    return {
        "crs": out,
        "origin": {"lat": origin_lat, "lng": origin_lng},
        "radius_m": round(result.radius_m),
        "count": len(items),
        "items": items,
    }


@router.get("/", response=responses(200, StationPage, 401), summary="List the stations you see")
def list_stations(request, filters: Query[StationFilter]):
    stations = selectors.station_list(
        request.scope,
        q=filters.q,
        kind=filters.kind or "",
        status=filters.status or "",
        service=filters.service or "",
        org_code=filters.org,
    )
    start = (filters.page - 1) * filters.page_size
    rows = stations[start : start + filters.page_size]
    return {
        "items": [_out(s, filters.crs) for s in rows],
        "count": stations.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.get("/{station_id}", response=responses(200, StationOut, 404), summary="One station")
def get_station(request, station_id: int, query: Query[CrsQuery]):
    return _out(selectors.get_station_for(request.scope, station_id=station_id), query.crs)


@router.post("/", response=responses(201, StationOut), summary="Register a station")
def create_station(request, payload: StationCreateIn):
    org = get_org_for(request.scope, code=payload.org_code, perm=Perm.EDIT)
    fields = _details(payload)
    location = fields.pop("location")
    station = services.station_create(
        scope=request.scope,
        org=org,
        lat=location[0],
        lng=location[1],
        crs=location[2],
        **fields,
    )
    return Status(201, _out(station, payload.crs))


@router.patch("/{station_id}", response=responses(200, StationOut), summary="Change a station")
def update_station(request, station_id: int, payload: StationDetailsIn):
    scope = request.scope
    station = selectors.get_station_for(scope, station_id=station_id, perm=Perm.EDIT)
    station = services.station_update(scope=scope, station=station, **_details(payload))
    return _out(station, payload.crs)


@router.post(
    "/{station_id}/status",
    response=responses(200, StationOut),
    summary="Open, suspend or close a station",
)
def set_station_status(request, station_id: int, payload: StationStatusIn):
    scope = request.scope
    station = selectors.get_station_for(scope, station_id=station_id, perm=Perm.EDIT)
    station = services.station_set_status(scope=scope, station=station, status=payload.status)
    return _out(station, Crs.GCJ02)
