from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from gonghui.stations.coords import Crs
from gonghui.stations.models import Service, StationKind, StationStatus, VenueKind
from gonghui.stations.nearby import DEFAULT_LIMIT, MAX_LIMIT

Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Interval = Annotated[
    list[Annotated[int, Field(ge=0, le=2880)]],
    Field(
        min_length=2,
        max_length=2,
        description="[start, end] in minutes from 00:00; an end past 1440 runs past midnight",
    ),
]


class NearbyQuery(Schema):
    lat: Latitude
    lng: Longitude
    crs: Crs = Field(Crs.WGS84, description="Coordinate system of lat/lng and of the answer")
    out_crs: Crs | None = Field(None, description="Answer in this system instead of crs")
    service: list[Service] = Field(
        default_factory=list, description="Only stations offering all of these (repeatable)"
    )
    open_now: bool = Field(False, description="Only stations open at this moment")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class PointOut(Schema):
    lat: float
    lng: float


class NearbyStationOut(Schema):
    code: str = Field(description="Public code: /h5/stations/<code>/ is its page")
    name: str
    kind: StationKind
    kind_label: str
    status: StationStatus
    venue_kind: VenueKind
    venue_name: str
    address: str
    lat: float
    lng: float
    distance_m: int
    open_now: bool
    hours_today: str
    services: list[Service]
    service_phone: str
    url: str
    route_url: str = Field(description="Opens the walking route in the AMap app or web page")


class NearbyOut(Schema):
    crs: Crs
    origin: PointOut
    radius_m: int = Field(description="Every matching station within this distance is listed")
    count: int
    items: list[NearbyStationOut]


class DaySchema(Schema):
    open_24h: bool = False
    intervals: list[Interval] = Field(default_factory=list, max_length=8)


class HoursSchema(Schema):
    days: list[DaySchema] = Field(min_length=7, max_length=7, description="Monday first")
    closed_on_holidays: bool = False
    makeup_day_follows: int | None = Field(
        0, ge=0, le=6, description="Whose hours a make-up working day keeps (0 = Monday)"
    )
    closed_dates: list[date] = Field(default_factory=list, max_length=400)


class StationOut(Schema):
    id: int
    code: str
    org_code: str
    name: str
    kind: StationKind
    status: StationStatus
    venue_kind: VenueKind
    venue_name: str
    address: str
    crs: Crs
    lat: float
    lng: float
    services: list[Service]
    hours: HoursSchema
    service_phone: str
    contact_person: str
    contact_phone: str
    created_at: datetime
    updated_at: datetime


class StationPage(Schema):
    items: list[StationOut]
    count: int
    page: int
    page_size: int


class StationDetailsIn(Schema):
    name: str | None = Field(None, max_length=100)
    kind: StationKind | None = None
    venue_kind: VenueKind | None = None
    venue_name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
    lat: Latitude | None = None
    lng: Longitude | None = None
    crs: Crs = Field(Crs.GCJ02, description="Coordinate system of lat/lng")
    services: list[Service] | None = None
    hours: HoursSchema | None = None
    service_phone: str | None = Field(None, max_length=30)
    contact_person: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)


class StationCreateIn(StationDetailsIn):
    org_code: str = Field(max_length=32, description="The host org")
    name: str = Field(max_length=100)
    kind: StationKind
    venue_kind: VenueKind
    address: str = Field(max_length=200)
    lat: Latitude
    lng: Longitude
    hours: HoursSchema


class StationStatusIn(Schema):
    status: StationStatus
