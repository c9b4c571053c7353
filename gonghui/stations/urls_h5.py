"""The worker's station pages under /h5/stations/ (no login)."""

from django.urls import path

from gonghui.stations import h5

app_name = "stations_h5"

urlpatterns = [
    path("", h5.station_map, name="map"),
    path("<str:station_code>/", h5.station_page, name="station"),
    path("<str:station_code>/check-in/", h5.station_check_in, name="check_in"),
    path("<str:station_code>/rate/", h5.station_rate, name="rate"),
]
