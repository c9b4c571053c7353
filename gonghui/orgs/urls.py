from django.urls import path

from gonghui.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("list/", views.org_list, name="list"),
    path("<int:org_id>/", views.org_detail, name="detail"),
    path("<int:org_id>/children/", views.org_children, name="children"),
    path("<int:org_id>/new/", views.org_create, name="create"),
    path("<int:org_id>/edit/", views.org_edit, name="edit"),
    path("<int:org_id>/move/", views.org_move, name="move"),
    path("<int:org_id>/status/", views.org_set_status, name="set_status"),
]
