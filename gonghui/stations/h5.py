"""The worker's pages, no login: the station map and a station's own page, where a scanned
QR plate lands to check in and rate.

A check-in needs two things a bare POST does not have: the device cookie (a random token
kept for two years, our only notion of "the same worker") and a signed ticket that the
station page issued to that device within the last hours. A double tap, a reload or a
script replaying a form therefore cannot add person-times; the database's unique
constraint settles races.
"""

import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.errors import ApplicationError
from gonghui.stations import forms, selectors, services
from gonghui.stations.coords import Crs
from gonghui.stations.hours import OpeningHours, week_rows
from gonghui.stations.models import Service
from gonghui.stations.nearby import MAX_RADIUS_M, is_open_now
from gonghui.stations.present import hours_today, route_url

DEVICE_COOKIE = "gh_device"
DEVICE_COOKIE_AGE = 2 * 365 * 24 * 3600
TICKET_SALT = "gonghui.stations.check_in"
TICKET_MAX_AGE = 6 * 3600
# Where the list starts when the phone will not share its location (GCJ-02, near each
# district government; approximate).
DISTRICT_CENTRES = [
    ("东城区", 39.9288, 116.4160),
    ("西城区", 39.9123, 116.3660),
    ("朝阳区", 39.9215, 116.4432),
    ("海淀区", 39.9590, 116.2983),
    ("丰台区", 39.8584, 116.2870),
    ("石景山区", 39.9056, 116.2229),
    ("通州区", 39.9097, 116.6565),
    ("大兴区", 39.7267, 116.3415),
]


def _device(request) -> tuple[str, bool]:
    """The device token from the cookie, or a new one (and whether it is new)."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if services.DEVICE_RE.match(token):
        return token, False
    return secrets.token_urlsafe(18), True


def _remember_device(response, device: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _ticket(station, device: str) -> str:
    return signing.dumps({"s": station.code, "d": device}, salt=TICKET_SALT)


def _ticket_ok(request, station, device: str) -> bool:
    try:
        data = signing.loads(
            request.POST.get("ticket", ""), salt=TICKET_SALT, max_age=TICKET_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return data == {"s": station.code, "d": device}


def _map_config() -> dict:
    return {
        "api": reverse("api:stations_nearby"),
        "tiles": {
            "url": settings.STATION_TILE_URL,
            "subdomains": settings.STATION_TILE_SUBDOMAINS,
            "crs": settings.STATION_TILE_CRS,
            "attribution": settings.STATION_TILE_ATTRIBUTION,
        },
        "max_km": MAX_RADIUS_M // 1000,
        "districts": [{"name": n, "lat": lat, "lng": lng} for n, lat, lng in DISTRICT_CENTRES],
        "crs_gcj02": Crs.GCJ02,
        "strings": {
            "metres": _("%(n)s m"),
            "kilometres": _("%(n)s km"),
            "open": _("Open now"),
            "not_open": _("Not open now"),
            "suspended": _("Suspended"),
            "route": _("Route"),
            "details": _("See details"),
            "locating": _("Finding where you are…"),
            "located": _("Nearest first, from where you are."),
            "from_district": _("Nearest first, from the centre of %(name)s."),
            "denied": _("We could not get your location. Choose your district:"),
            "found": _("%(n)s stations within %(km)s km"),
            "none": _("No station matches within %(km)s km. Try fewer filters."),
            "error": _("The station list could not be loaded. Check your connection."),
            "tiles_down": _("The map cannot be shown right now; the list below still works."),
            "you": _("You are here"),
        },
    }


@login_not_required
def station_map(request):
    context = {"config": _map_config(), "services": Service.choices}
    return render(request, "stations/h5_map.html", context)


def _station_page(request, station, *, error: str = "", status: int = 200):
    device, new_device = _device(request)
    hours = OpeningHours.from_stored(station.hours)
    now = timezone.now()
    visit = selectors.device_visit_today(station, device)
    context = {
        "station": station,
        "open_now": is_open_now(station, now),
        "hours_today": hours_today(station, now),
        "week": week_rows(hours),
        "hours": hours,
        "services": [Service(code).label for code in station.services],
        "photos": station.photos.all(),
        "route_url": route_url(station),
        "visit": visit,
        "ticket": _ticket(station, device),
        "rating_form": forms.RatingForm(),
        "error": error,
    }
    response = render(request, "stations/h5_station.html", context, status=status)
    if new_device:
        _remember_device(response, device)
    return response


@login_not_required
def station_page(request, station_code: str):
    return _station_page(request, selectors.public_station(station_code))


@login_not_required
@require_POST
def station_check_in(request, station_code: str):
    station = selectors.public_station(station_code)
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    if not _ticket_ok(request, station, device):
        return _station_page(
            request, station, error=_("Please scan the code again and retry."), status=400
        )
    try:
        services.station_check_in(station=station, device=device)
    except ApplicationError as error:
        return _station_page(request, station, error=error.message, status=400)
    return redirect("stations_h5:station", station_code=station.code)


@login_not_required
@require_POST
def station_rate(request, station_code: str):
    station = selectors.public_station(station_code)
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    form = forms.RatingForm(request.POST)
    if not _ticket_ok(request, station, device) or not form.is_valid():
        return _station_page(
            request, station, error=_("Please scan the code again and retry."), status=400
        )
    try:
        services.station_visit_rate(
            station=station,
            device=device,
            rating=form.cleaned_data["rating"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        return _station_page(request, station, error=error.message, status=400)
    return redirect("stations_h5:station", station_code=station.code)
