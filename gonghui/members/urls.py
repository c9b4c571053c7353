from django.urls import path

from gonghui.members import views

app_name = "members"

urlpatterns = [
    path("", views.worker_list, name="list"),
    path("new/", views.worker_create, name="create"),
    path("export.xlsx", views.worker_export, name="export"),
    path("employers/", views.employer_options, name="employers"),
    path("<int:worker_id>/", views.worker_detail, name="detail"),
    path("<int:worker_id>/edit/", views.worker_edit, name="edit"),
    path("<int:worker_id>/reveal/", views.worker_reveal, name="reveal"),
    path("<int:worker_id>/transfer/", views.worker_transfer, name="transfer"),
    path("<int:worker_id>/join/", views.worker_join, name="join"),
    path("<int:worker_id>/leave/", views.worker_leave, name="leave"),
]
