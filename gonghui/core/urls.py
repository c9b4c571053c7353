from django.urls import path

from gonghui.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("acting/", views.acting_switch, name="acting_switch"),
    path("audit/", views.audit_log, name="audit"),
    path("h5/", views.h5_home, name="h5_home"),
    path("healthz", views.healthz, name="healthz"),
]
