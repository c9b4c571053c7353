from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.console import (
    FigureCard,
    FigureRow,
    H5Tile,
    NavItem,
    register_figures,
    register_h5_tile,
    register_nav,
)
from gonghui.core.scope import Scope
from gonghui.stations.models import StationKind, StationStatus
from gonghui.stations.selectors import station_counts, visit_counts

VISIT_DAYS = 7

register_nav(NavItem("stations", _("Service stations"), "stations:list", icon="pin", order=30))
register_h5_tile(
    H5Tile(
        "stations",
        _("Find a station"),
        _("Warm stations and worker homes near you: water, a microwave, a charger"),
        "stations_h5:map",
        order=10,
    )
)


@register_figures(order=30)
def station_figures(scope: Scope) -> list[FigureCard]:
    counts = station_counts(scope)
    url = reverse("stations:list")
    by_kind = [
        FigureRow(
            kind.label,
            sum(n for (k, _s), n in counts.items() if k == kind),
            f"{url}?kind={kind.value}",
        )
        for kind in StationKind
    ]
    by_status = [
        FigureRow(
            status.label,
            sum(n for (_k, s), n in counts.items() if s == status),
            f"{url}?status={status.value}",
        )
        for status in StationStatus
    ]
    visits = visit_counts(scope, days=VISIT_DAYS)
    visit_rows = [
        FigureRow(kind.label, visits.get(kind.value, 0), f"{url}?kind={kind.value}&sort=use")
        for kind in StationKind
    ]
    visit_rows.append(FigureRow(_("Ratings and notes left"), visits.get("ratings", 0)))
    return [
        FigureCard(
            "stations",
            _("Service stations"),
            sum(counts.values()),
            _("stations"),
            url,
            by_kind + by_status,
        ),
        FigureCard(
            "station_visits",
            _("Station use, last 7 days"),
            sum(visits.get(kind.value, 0) for kind in StationKind),
            _("person-times"),
            f"{url}?sort=use",
            visit_rows,
        ),
    ]
