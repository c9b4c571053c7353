from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin
from gonghui.stations.models import Station, StationPhoto, StationVisit


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "status", "org")
    list_filter = ("kind", "status")
    search_fields = ("code", "name", "address")


@admin.register(StationVisit)
class StationVisitAdmin(ReadOnlyAdmin):
    list_display = ("station", "day", "at", "rating")
    list_filter = ("day",)


@admin.register(StationPhoto)
class StationPhotoAdmin(ReadOnlyAdmin):
    list_display = ("station", "caption", "uploaded_at")
