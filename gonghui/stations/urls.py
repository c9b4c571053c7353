from django.urls import path

from gonghui.stations import views

app_name = "stations"

urlpatterns = [
    path("", views.station_list, name="list"),
    path("new/", views.station_create, name="create"),
    path("<int:station_id>/", views.station_detail, name="detail"),
    path("<int:station_id>/edit/", views.station_edit, name="edit"),
    path("<int:station_id>/status/", views.station_set_status, name="set_status"),
    path("<int:station_id>/plate/", views.station_plate, name="plate"),
    path("<int:station_id>/qr.png", views.station_qr_png, name="qr_png"),
    path("<int:station_id>/photos/", views.station_photo_add, name="photo_add"),
    path("photos/<int:stationphoto_id>/", views.station_photo, name="photo"),
    # Last: a walk over every route (core/tests/test_scope_routes.py) removes the sample photo.
    path(
        "<int:station_id>/photos/<int:stationphoto_id>/remove/",
        views.station_photo_remove,
        name="photo_remove",
    ),
]
