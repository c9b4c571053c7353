import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.stations.coords import CRS_CHOICES, Crs
from gonghui.stations.hours import (
    WEEKDAY_KEYS,
    WEEKDAY_LABELS,
    OpeningHours,
    format_day_text,
    parse_day_text,
)
from gonghui.stations.models import Service, Station, StationKind, StationStatus, VenueKind

HOURS_HELP = _(
    'e.g. "08:00-20:00", "08:00-12:00, 14:00-18:00", "20:00-02:00" (past midnight) or '
    '"24h"; empty: closed that day'
)
MAKEUP_CHOICES = [("", _("Its own weekday's hours"))] + [
    (str(n), label) for n, label in enumerate(WEEKDAY_LABELS)
]
DATE_SPLIT = re.compile(r"[\s,，;；、]+")
WEEKDAY_DEFAULT = "08:00-20:00"


class StationForm(forms.Form):
    """Station details as staff type them; ``service_fields()`` is what the services take."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=StationKind.choices)
    venue_kind = forms.ChoiceField(label=_("Host venue type"), choices=VenueKind.choices)
    venue_name = forms.CharField(
        label=_("Host venue"),
        max_length=100,
        required=False,
        help_text=_("e.g. 中国工商银行东四支行, 双玉社区党群服务中心"),
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    crs = forms.ChoiceField(
        label=_("Coordinate system"),
        choices=CRS_CHOICES,
        initial=Crs.GCJ02,
        help_text=_("The map or device the coordinates come from; they are stored as GCJ-02."),
    )
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    services = forms.MultipleChoiceField(
        label=_("Services"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    closed_on_holidays = forms.BooleanField(label=_("Closed on public holidays"), required=False)
    makeup_day_follows = forms.ChoiceField(
        label=_("On make-up working days (调休上班) open as on"),
        choices=MAKEUP_CHOICES,
        initial="0",
        required=False,
    )
    closed_dates = forms.CharField(
        label=_("Other closed dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("YYYY-MM-DD, separated by commas or new lines"),
    )
    service_phone = forms.CharField(
        label=_("Service phone (shown to workers)"), max_length=30, required=False
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone (staff only)"), max_length=30, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, label in zip(WEEKDAY_KEYS, WEEKDAY_LABELS, strict=True):
            self.fields[f"hours_{key}"] = forms.CharField(
                label=label, required=False, max_length=100, help_text=HOURS_HELP
            )

    @property
    def hours_fields(self):
        return [self[f"hours_{key}"] for key in WEEKDAY_KEYS]

    def clean_closed_dates(self) -> list[date]:
        dates = []
        for part in filter(None, DATE_SPLIT.split(self.cleaned_data["closed_dates"].strip())):
            try:
                dates.append(date.fromisoformat(part))
            except ValueError as exc:
                raise forms.ValidationError(
                    _("%(value)s is not a date (YYYY-MM-DD)."), params={"value": part}
                ) from exc
        return dates

    def clean(self):
        cleaned = super().clean()
        days = []
        for key in WEEKDAY_KEYS:
            try:
                days.append(parse_day_text(cleaned.get(f"hours_{key}", "")))
            except ValueError as exc:
                self.add_error(f"hours_{key}", str(exc))
        if len(days) == 7:
            follows = cleaned.get("makeup_day_follows")
            cleaned["hours"] = OpeningHours(
                days=tuple(days),
                closed_on_holidays=cleaned.get("closed_on_holidays", False),
                makeup_day_follows=int(follows) if follows not in (None, "") else None,
                closed_dates=frozenset(cleaned.get("closed_dates") or ()),
            ).to_json()
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "name",
                "kind",
                "venue_kind",
                "venue_name",
                "address",
                "services",
                "hours",
                "service_phone",
                "contact_person",
                "contact_phone",
            )
        }
        fields["location"] = (data["lat"], data["lng"], data["crs"])
        return fields

    @classmethod
    def initial_for(cls, station: Station) -> dict:
        hours = OpeningHours.from_stored(station.hours)
        initial = {
            name: getattr(station, name)
            for name in (
                "name",
                "kind",
                "venue_kind",
                "venue_name",
                "address",
                "services",
                "service_phone",
                "contact_person",
                "contact_phone",
            )
        }
        initial.update(
            crs=Crs.GCJ02,  # as stored
            lat=station.lat,
            lng=station.lng,
            closed_on_holidays=hours.closed_on_holidays,
            makeup_day_follows=""
            if hours.makeup_day_follows is None
            else str(hours.makeup_day_follows),
            closed_dates="\n".join(sorted(d.isoformat() for d in hours.closed_dates)),
        )
        for key, day in zip(WEEKDAY_KEYS, hours.days, strict=True):
            initial[f"hours_{key}"] = format_day_text(day)
        return initial

    @classmethod
    def initial_new(cls) -> dict:
        initial = {f"hours_{key}": WEEKDAY_DEFAULT for key in WEEKDAY_KEYS}
        return {**initial, "crs": Crs.GCJ02, "makeup_day_follows": "0"}


class StationCreateForm(StationForm):
    org_code = forms.CharField(
        label=_("Host organisation (code)"),
        max_length=32,
        help_text=_("The union that runs the station; pick from the list or type its code."),
        widget=forms.TextInput(attrs={"list": "org-codes", "autocomplete": "off"}),
    )


class StationStatusForm(forms.Form):
    status = forms.ChoiceField(choices=StationStatus.choices)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
