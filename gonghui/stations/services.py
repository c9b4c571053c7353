"""Every write to stations: one function per use case, one transaction, one audit event."""

from __future__ import annotations

import math
import re
import secrets
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record, model_snapshot
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.permissions import Perm
from gonghui.core.pinyin import pinyin_keys
from gonghui.core.scope import Scope
from gonghui.orgs.models import Org
from gonghui.stations import grid
from gonghui.stations.coords import Crs, to_gcj02
from gonghui.stations.hours import CHINA_TZ, HoursError, OpeningHours
from gonghui.stations.models import (
    Service,
    Station,
    StationKind,
    StationPhoto,
    StationStatus,
    StationVisit,
    VenueKind,
    services_mask,
)

AUDITED_FIELDS = [
    "name",
    "kind",
    "status",
    "venue_kind",
    "venue_name",
    "address",
    "lat",
    "lng",
    "services",
    "hours",
    "service_phone",
    "contact_person",
    "contact_phone",
]
EDITABLE_FIELDS = frozenset(AUDITED_FIELDS) - {"status", "lat", "lng"} | {"location"}
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud or typed
CODE_LENGTH = 8
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,30}$")
DEVICE_RE = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {  # magic bytes -> content type; checked on the bytes, not the file name
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
TEXT_LIMITS = {
    "name": 100,
    "venue_name": 100,
    "address": 200,
    "service_phone": 30,
    "contact_person": 50,
    "contact_phone": 30,
}


def _location(value, errors: dict[str, list[str]]) -> tuple[float, float] | None:
    """(lat, lng, crs) in any system -> GCJ-02, or an error on "lat"/"lng"/"crs"."""
    try:
        lat, lng, crs = float(value[0]), float(value[1]), Crs(value[2])
    except (TypeError, ValueError, IndexError):
        errors["lat"] = [_("Give latitude, longitude and their coordinate system.")]
        return None
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        errors["lat"] = [_("Latitude lies between -90 and 90.")]
    if not (math.isfinite(lng) and -180 <= lng <= 180):
        errors["lng"] = [_("Longitude lies between -180 and 180.")]
    if "lat" in errors or "lng" in errors:
        return None
    glat, glng = to_gcj02(lat, lng, crs)
    return round(glat, 7), round(glng, 7)


def _clean_services(values, errors: dict[str, list[str]]) -> list[str]:
    values = list(values or [])
    unknown = [v for v in values if v not in Service.values]
    if unknown:
        errors["services"] = [_("Unknown services: %s") % ", ".join(map(str, unknown))]
        return []
    return [code for code in Service.values if code in values]  # canonical order, no repeats


def _clean_text(cleaned: dict, errors: dict[str, list[str]]) -> None:
    for name, limit in TEXT_LIMITS.items():
        if name in cleaned:
            cleaned[name] = str(cleaned[name] or "").strip()
            if len(cleaned[name]) > limit:
                errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    for name in ("name", "address"):
        if name in cleaned and not cleaned[name]:
            errors[name] = [_("Required.")]
    for name in ("service_phone", "contact_phone"):
        if cleaned.get(name) and not PHONE_RE.match(cleaned[name]):
            errors[name] = [_("Enter a phone number of digits only.")]


def _clean(fields: dict) -> dict:
    """Validate what a person or a client sent; raise with every bad field at once."""
    cleaned = dict(fields)
    errors: dict[str, list[str]] = {}
    _clean_text(cleaned, errors)
    if "kind" in cleaned and cleaned["kind"] not in StationKind.values:
        errors["kind"] = [_("Choose a valid kind.")]
    if "venue_kind" in cleaned and cleaned["venue_kind"] not in VenueKind.values:
        errors["venue_kind"] = [_("Choose a valid venue type.")]
    if "services" in cleaned:
        cleaned["services"] = _clean_services(cleaned["services"], errors)
        cleaned["services_mask"] = services_mask(cleaned["services"])
    if "hours" in cleaned:
        try:
            cleaned["hours"] = OpeningHours.from_json(cleaned["hours"]).to_json()
        except HoursError as exc:
            errors.update({f"hours.{part}": messages for part, messages in exc.fields.items()})
    if "location" in cleaned:
        point = _location(cleaned.pop("location"), errors)
        if point:
            cleaned["lat"], cleaned["lng"] = point
            cleaned["cell"] = grid.cell_key(*point)
            cleaned["cell_coarse"] = grid.coarse_key(*point)
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    if "name" in cleaned:
        cleaned["name_pinyin"], cleaned["name_initials"] = pinyin_keys(cleaned["name"])
    return cleaned


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def station_create(
    *,
    scope: Scope,
    org: Org,
    name: str,
    kind: str,
    venue_kind: str,
    address: str,
    lat: float,
    lng: float,
    crs: str = Crs.GCJ02,
    hours: dict,
    **fields,
) -> Station:
    """Register a station hosted by ``org``; ``lat``/``lng`` are in ``crs`` and stored as
    GCJ-02. Other fields: venue_name, services, service_phone, contact_person, contact_phone."""
    scope.require(Perm.EDIT, org)
    _check_fields(fields)
    data = _clean(
        {
            "name": name,
            "kind": kind,
            "venue_kind": venue_kind,
            "address": address,
            "location": (lat, lng, crs),
            "hours": hours,
            "services": fields.pop("services", []),
            **fields,
        }
    )
    with transaction.atomic():
        if not Org.objects.filter(pk=org.pk, status="active").exists():
            raise ApplicationError(_("An archived organisation cannot host a station."))
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    station = Station.objects.create(org=org, code=_new_code(), **data)
                break
            except IntegrityError:  # a code collision: 31^8 codes, so try again
                continue
        else:
            raise ConflictError(_("Could not give the station a unique code; try again."))
        audit_record(
            scope=scope,
            action="station.create",
            org=org,
            target=station,
            after=model_snapshot(station, AUDITED_FIELDS),
        )
    return station


def station_update(*, scope: Scope, station: Station, **fields) -> Station:
    """Change a station's details. A new location is ``location=(lat, lng, crs)``.

    The host org does not change here: visits and photos keep the station's org.
    """
    scope.require(Perm.EDIT, station.org)
    _check_fields(fields)
    data = _clean(fields)
    with transaction.atomic():
        station = Station.objects.select_for_update().select_related("org").get(pk=station.pk)
        before = model_snapshot(station, AUDITED_FIELDS)
        for name, value in data.items():
            setattr(station, name, value)
        after = model_snapshot(station, AUDITED_FIELDS)
        if before != after:
            station.updated_at = timezone.now()
            station.save()
            audit_record(
                scope=scope,
                action="station.update",
                org=station.org,
                target=station,
                before=before,
                after=after,
            )
    return station


def station_set_status(*, scope: Scope, station: Station, status: str) -> Station:
    """Open, suspend (temporarily, still on the map) or close (gone from the map)."""
    scope.require(Perm.EDIT, station.org)
    if status not in StationStatus.values:
        raise ApplicationError(_("Choose a valid status."), fields={"status": [_("Invalid.")]})
    with transaction.atomic():
        station = Station.objects.select_for_update().select_related("org").get(pk=station.pk)
        if station.status == status:
            return station
        before = {"status": station.status}
        station.status = status
        station.updated_at = timezone.now()
        station.save(update_fields=["status", "updated_at"])
        audit_record(
            scope=scope,
            action="station.status",
            org=station.org,
            target=station,
            before=before,
            after={"status": status},
        )
    return station


# -- use by workers (public, no login: audited with no actor) ------------------------------


def _check_public_use(station: Station, device: str) -> None:
    if not DEVICE_RE.match(device or ""):
        raise ApplicationError(_("Your browser did not keep our cookie; allow cookies and retry."))
    if station.status == StationStatus.SUSPENDED:
        raise ApplicationError(_("This station is suspended for now."))
    if station.status != StationStatus.OPEN:
        raise ApplicationError(_("This station is closed."))


def station_check_in(
    *, station: Station, device: str, at: datetime | None = None
) -> tuple[StationVisit, bool]:
    """A worker checks in at a station: one visit per station, device and day (China time).

    Returns the visit and whether it is new; a second check-in the same day returns the
    first. The unique constraint decides, so parallel taps cannot count twice.
    """
    _check_public_use(station, device)
    at = at or timezone.now()
    day = at.astimezone(CHINA_TZ).date()
    with transaction.atomic():
        visit, created = StationVisit.objects.get_or_create(
            station=station, device=device, day=day, defaults={"org_id": station.org_id, "at": at}
        )
        if created:
            audit_record(
                actor=None,
                action="station.check_in",
                org=station.org,
                target=visit,
                extra={"station": station.code, "day": day.isoformat()},
            )
    return visit, created


def station_visit_rate(
    *, station: Station, device: str, rating: int | None, note: str = "", at: datetime | None = None
) -> StationVisit:
    """Rate today's visit (1-5) and leave a note; a later rating the same day replaces it."""
    _check_public_use(station, device)
    note = (note or "").strip()
    if rating is not None and rating not in range(1, 6):
        raise ApplicationError(_("Rate from 1 to 5 stars."), fields={"rating": [_("1 to 5.")]})
    if len(note) > 200:
        raise ApplicationError(_("Keep the note under 200 characters."), fields={"note": ["200"]})
    if rating is None and not note:
        raise ApplicationError(_("Give a rating or write a note."))
    at = at or timezone.now()
    with transaction.atomic():
        visit = (
            StationVisit.objects.select_for_update()
            .filter(station=station, device=device, day=at.astimezone(CHINA_TZ).date())
            .first()
        )
        if visit is None:
            raise ApplicationError(_("Check in first, then rate the station."))
        before = {"rating": visit.rating, "note": visit.note}
        visit.rating, visit.note, visit.rated_at = rating, note, at
        visit.save(update_fields=["rating", "note", "rated_at"])
        audit_record(
            actor=None,
            action="station.rate",
            org=station.org,
            target=visit,
            before=before,
            after={"rating": rating, "note": note},
        )
    return visit


# -- photos --------------------------------------------------------------------------------


def _photo_type(upload: UploadedFile) -> str:
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in PHOTO_TYPES.items():
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise ApplicationError(
        _("Upload a JPEG, PNG or WebP photo."), fields={"photo": [_("Not a photo.")]}
    )


def station_photo_add(
    *, scope: Scope, station: Station, upload: UploadedFile, caption: str = ""
) -> StationPhoto:
    scope.require(Perm.EDIT, station.org)
    if upload.size > MAX_PHOTO_BYTES:
        raise ApplicationError(_("A photo may be at most 5 MB."), fields={"photo": ["5 MB"]})
    content_type = _photo_type(upload)
    with transaction.atomic():
        station = Station.objects.select_for_update().get(pk=station.pk)
        if station.photos.count() >= MAX_PHOTOS:
            raise ApplicationError(_("A station has at most 6 photos; remove one first."))
        photo = StationPhoto(
            station=station,
            org_id=station.org_id,
            content_type=content_type,
            caption=caption.strip()[:100],
            uploaded_by=scope.user,
        )
        extension = content_type.split("/")[1].replace("jpeg", "jpg")
        photo.file.save(f"{station.code}-{secrets.token_hex(6)}.{extension}", upload, save=False)
        photo.save()
        audit_record(
            scope=scope,
            action="station.photo_add",
            org=station.org,
            target=station,
            extra={"photo": photo.file.name, "caption": photo.caption},
        )
    return photo


def station_photo_remove(*, scope: Scope, photo: StationPhoto) -> None:
    station = photo.station
    scope.require(Perm.EDIT, station.org)
    name = photo.file.name
    with transaction.atomic():
        photo.delete()
        audit_record(
            scope=scope,
            action="station.photo_remove",
            org=station.org,
            target=station,
            extra={"photo": name},
        )
        transaction.on_commit(lambda: photo.file.storage.delete(name))
