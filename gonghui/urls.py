from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from gonghui.api import api

urlpatterns = [
    # First: the API's hot paths (a kit scan) are then matched without trying the pages'.
    path("api/v1/", api.urls),
    path("", include("gonghui.core.urls")),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("stations/", include("gonghui.stations.urls")),
    path("h5/stations/", include("gonghui.stations.urls_h5")),
    path("h5/quiz/", include("gonghui.quizzes.urls_h5")),
    path("h5/", include("gonghui.members.urls_h5")),
    path("workers/", include("gonghui.members.urls")),
    path("care/", include("gonghui.care.urls")),
    path("quizzes/", include("gonghui.quizzes.urls")),
    path("imports/", include("gonghui.core.imports.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "工会 Gonghui"
