"""Staff pages: the station register, one station's use and feedback, its QR plate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.errors import ApplicationError, ForbiddenError, NotFoundError
from gonghui.core.forms_util import add_service_error
from gonghui.core.permissions import Perm
from gonghui.core.qr import qr_png, qr_svg
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import get_org_for
from gonghui.stations import forms, selectors, services
from gonghui.stations.hours import OpeningHours, week_rows
from gonghui.stations.models import Service, StationKind, StationStatus
from gonghui.stations.present import public_url, route_url

FILTERS = ("q", "kind", "status", "service", "org", "sort")


def station_list(request):
    """The register, filterable; where the dashboard's station figures drill down to."""
    f = {key: request.GET.get(key, "").strip() for key in FILTERS}
    stations = selectors.station_list(
        request.scope,
        q=f["q"],
        kind=f["kind"],
        status=f["status"],
        service=f["service"],
        org_code=f["org"],
    )
    stations = selectors.with_recent_use(stations)
    if f["sort"] == "use":
        stations = stations.order_by("-recent_visits", "name_pinyin")
    page = Paginator(stations, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "f": f,
        "kinds": StationKind.choices,
        "statuses": StationStatus.choices,
        "services": Service.choices,
        "can_edit": request.scope.can_anywhere(Perm.EDIT),
    }
    return render(request, "stations/list.html", context)


def _org_choices(scope) -> list[Org]:
    return list(scope.orgs().filter(status="active").order_by("path")[:300])


def station_create(request):
    scope = request.scope
    if not scope.can_anywhere(Perm.EDIT):
        raise ForbiddenError()
    initial = forms.StationForm.initial_new()
    if scope.acting:
        initial["org_code"] = Org.objects.filter(pk=scope.acting.org_id).values_list(
            "code", flat=True
        )[0]
    form = forms.StationCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            org = get_org_for(scope, code=form.cleaned_data["org_code"], perm=Perm.EDIT)
            fields = form.service_fields()
            lat, lng, crs = fields.pop("location")
            station = services.station_create(
                scope=scope, org=org, lat=lat, lng=lng, crs=crs, **fields
            )
        except NotFoundError:
            form.add_error("org_code", _("No organisation with this code in your scope."))
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": station.name})
            return redirect("stations:detail", station_id=station.pk)
    context = {"form": form, "orgs": _org_choices(scope)}
    return render(request, "stations/form.html", context)


def station_edit(request, station_id: int):
    scope = request.scope
    station = selectors.get_station_for(scope, station_id=station_id, perm=Perm.EDIT)
    form = forms.StationForm(request.POST or None, initial=forms.StationForm.initial_for(station))
    if request.method == "POST" and form.is_valid():
        try:
            services.station_update(scope=scope, station=station, **form.service_fields())
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("stations:detail", station_id=station.pk)
    return render(request, "stations/form.html", {"form": form, "station": station})


def station_detail(request, station_id: int):
    scope = request.scope
    station = selectors.get_station_for(scope, station_id=station_id)
    hours = OpeningHours.from_stored(station.hours)
    use = selectors.station_daily_use(scope, station, days=30)
    feedback = Paginator(selectors.station_feedback(scope, station), 20)
    context = {
        "station": station,
        "week": week_rows(hours),
        "hours": hours,
        "use": use,
        "use_max": max([d.visits for d in use] + [1]),
        "totals": selectors.station_totals(scope, station),
        "feedback": feedback.get_page(request.GET.get("page")),
        "photos": station.photos.all(),
        "photo_form": forms.PhotoForm(),
        "can_edit": scope.can(Perm.EDIT, station.org),
        "public_url": public_url(station),
        "route_url": route_url(station),
        "statuses": StationStatus.choices,
    }
    return render(request, "stations/detail.html", context)


@require_POST
def station_set_status(request, station_id: int):
    scope = request.scope
    station = selectors.get_station_for(scope, station_id=station_id, perm=Perm.EDIT)
    try:
        services.station_set_status(
            scope=scope, station=station, status=request.POST.get("status", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("stations:detail", station_id=station.pk)


def station_plate(request, station_id: int):
    """A printable plate: the station's QR code, which opens its check-in page."""
    station = selectors.get_station_for(request.scope, station_id=station_id)
    url = request.build_absolute_uri(public_url(station))
    hours = OpeningHours.from_stored(station.hours)
    context = {
        "station": station,
        "url": url,
        "qr": qr_svg(url, scale=8, title=station.name),
        "week": week_rows(hours),
        "hours": hours,
    }
    return render(request, "stations/plate.html", context)


def station_qr_png(request, station_id: int):
    station = selectors.get_station_for(request.scope, station_id=station_id)
    png = qr_png(request.build_absolute_uri(public_url(station)), scale=12)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="station-{station.code}.png"'
    return response


@require_POST
def station_photo_add(request, station_id: int):
    scope = request.scope
    station = selectors.get_station_for(scope, station_id=station_id, perm=Perm.EDIT)
    form = forms.PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to upload."))
        return redirect("stations:detail", station_id=station.pk)
    try:
        services.station_photo_add(
            scope=scope,
            station=station,
            upload=form.cleaned_data["photo"],
            caption=form.cleaned_data["caption"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The photo was added."))
    return redirect("stations:detail", station_id=station.pk)


@require_POST
def station_photo_remove(request, station_id: int, stationphoto_id: int):
    scope = request.scope
    photo = selectors.get_photo_for(scope, photo_id=stationphoto_id, perm=Perm.EDIT)
    if photo.station_id != station_id:
        raise NotFoundError()
    services.station_photo_remove(scope=scope, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect("stations:detail", station_id=station_id)


@login_not_required
def station_photo(request, stationphoto_id: int):
    """A photo of a station on the public map for anyone; of any other station, for staff
    whose scope covers it."""
    photo = selectors.public_photo(stationphoto_id)
    if photo is None and request.user.is_authenticated:
        photo = selectors.get_photo_for(request.scope, photo_id=stationphoto_id)
    if photo is None:
        raise Http404()
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
