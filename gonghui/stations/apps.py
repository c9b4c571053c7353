from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

TILE_SYSTEMS = ("gcj02", "wgs84")  # Baidu's tiles are not Web-Mercator tiles: no bd09 here


def check_tile_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from django.conf import settings

    if settings.STATION_TILE_CRS not in TILE_SYSTEMS:
        return [
            checks.Error(
                f"STATION_TILE_CRS is {settings.STATION_TILE_CRS!r}; use one of {TILE_SYSTEMS}.",
                hint="gcj02 for AMap or Tencent tiles, wgs84 for OpenStreetMap.",
                id="stations.E001",
            )
        ]
    return []


class StationsConfig(AppConfig):
    name = "gonghui.stations"
    label = "stations"
    verbose_name = _("Service stations")

    def ready(self) -> None:
        checks.register(check_tile_settings)
