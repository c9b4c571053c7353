"""Service stations for workers: worker homes (职工之家), warm stations (暖心驿站) and other
service points, and every use of them (StationVisit)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.orgs.models import Org


class StationKind(models.TextChoices):
    WORKER_HOME = "worker_home", _("Worker home")
    WARM_STATION = "warm_station", _("Warm station")
    OTHER = "other", _("Other service point")


class StationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("station status", "Open")
    SUSPENDED = "suspended", pgettext_lazy("station status", "Suspended")
    CLOSED = "closed", pgettext_lazy("station status", "Closed")


# Shown on the public map and API: a closed station is gone for workers, a suspended one is
# listed (it is a landmark people know) but never "open now".
PUBLIC_STATUSES = (StationStatus.OPEN, StationStatus.SUSPENDED)


class VenueKind(models.TextChoices):
    UNION = "union", _("Union premises")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    GOVERNMENT = "government", _("Government service hall")
    BANK = "bank", _("Bank branch")
    SHOP = "shop", _("Shop or convenience store")
    FUEL = "fuel", _("Fuel or charging station")
    ENTERPRISE = "enterprise", _("Enterprise")
    PARK = "park", _("Park or public space")
    OTHER = "other", _("Other venue")


# Each service is one bit of Station.services_mask, its position here: add new ones at the
# end only, never reorder.
class Service(models.TextChoices):
    """What a station offers to workers."""

    WATER = "water", _("Drinking water")
    MICROWAVE = "microwave", _("Microwave / heating meals")
    CHARGING = "charging", _("Phone charging")
    SEATS = "seats", _("Seats and rest")
    TOILET = "toilet", _("Toilet")
    FIRST_AID = "first_aid", _("First-aid kit")
    UMBRELLA = "umbrella", _("Umbrellas to borrow")
    COOLING_HEATING = "cooling_heating", _("Air conditioning / heating")
    REPAIR = "repair", _("Tyre pump and repair tools")
    WIFI = "wifi", _("Wi-Fi")
    BOOKS = "books", _("Books and newspapers")


SERVICE_BITS: dict[str, int] = {code: 1 << n for n, code in enumerate(Service.values)}


def services_mask(services) -> int:
    mask = 0
    for code in services:
        mask |= SERVICE_BITS[code]
    return mask


class Station(models.Model):
    org = models.ForeignKey(
        Org, verbose_name=_("host organisation"), on_delete=models.PROTECT, related_name="stations"
    )
    # Short random code used in public URLs and QR plates instead of the primary key.
    code = models.CharField(_("public code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Sort and search keys kept by the services, as on Org: full pinyin and initials.
    name_pinyin = models.CharField(max_length=400, blank=True, db_index=True)
    name_initials = models.CharField(max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=StationKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=StationStatus.choices, default=StationStatus.OPEN
    )
    venue_kind = models.CharField(_("host venue type"), max_length=20, choices=VenueKind.choices)
    venue_name = models.CharField(_("host venue"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200)
    # GCJ-02 (see coords.py); converted from whatever system the input used.
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    # Grid cells of (lat, lng) for the nearby search (grid.py), kept by the services.
    cell = models.IntegerField()
    cell_coarse = models.IntegerField()
    services = models.JSONField(_("services"), default=list, blank=True)
    services_mask = models.IntegerField(default=0)  # bits of ``services``, kept by the services
    hours = models.JSONField(_("opening hours"), default=dict)  # hours.py, canonical JSON
    service_phone = models.CharField(_("service phone"), max_length=30, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        indexes = [
            models.Index(fields=["org", "kind"]),
            # The nearby search reads cell ranges and needs only these columns: with all of
            # them in the index it never touches the table (SQLite and PostgreSQL alike).
            models.Index(
                fields=["cell", "status", "services_mask", "lat", "lng", "org"],
                name="station_nearby",
            ),
            models.Index(
                fields=["cell_coarse", "status", "services_mask", "lat", "lng", "org"],
                name="station_nearby_coarse",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def service_labels(self) -> list[str]:
        return [Service(code).label for code in self.services if code in Service.values]


class StationVisit(models.Model):
    """One check-in at a station (打卡): person-times are counts of these rows.

    ``device`` is a random token from a long-lived cookie, not a person: the database allows
    one check-in per station, device and day, so a double tap or a reload counts once.
    """

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="visits")
    # The station's org, copied so that scoped roll-ups need no join (a station never
    # changes its host org).
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))  # in Asia/Shanghai
    at = models.DateTimeField(_("time"), default=timezone.now)
    device = models.CharField(max_length=40)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("station visit")
        verbose_name_plural = _("station visits")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "device", "day"], name="stationvisit_once_per_device_day"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__range=(1, 5)),
                name="stationvisit_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["station", "day"]),
            models.Index(fields=["org", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.day}"

    @property
    def stars(self) -> str:
        return "★" * (self.rating or 0)


class StationPhoto(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="photos")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # as on visits
    file = models.FileField(upload_to="stations/%Y/%m/")
    content_type = models.CharField(max_length=32)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("station photo")

    def __str__(self) -> str:
        return self.caption or self.file.name
