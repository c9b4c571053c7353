from django.urls import path

from gonghui.members import views, views_join

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
    # Joining online (网上入会): the inbox of applications, figures, rules and time limits
    path("applications/", views_join.application_list, name="applications"),
    path("applications/export.xlsx", views_join.application_export, name="applications_export"),
    path("applications/figures/", views_join.application_figures, name="application_figures"),
    path(
        "applications/<int:membershipapplication_id>/",
        views_join.application_detail,
        name="application",
    ),
    path(
        "applications/<int:membershipapplication_id>/accept/",
        views_join.application_accept,
        name="application_accept",
    ),
    path(
        "applications/<int:membershipapplication_id>/decline/",
        views_join.application_decline,
        name="application_decline",
    ),
    path(
        "applications/<int:membershipapplication_id>/pass-on/",
        views_join.application_pass_on,
        name="application_pass_on",
    ),
    path(
        "applications/<int:membershipapplication_id>/reveal/",
        views_join.application_reveal,
        name="application_reveal",
    ),
    path("applications/rules/", views_join.join_rules, name="join_rules"),
    path("applications/rules/new/", views_join.join_rule_create, name="join_rule_create"),
    path("applications/rules/time-limit/", views_join.join_policy, name="join_policy"),
    path(
        "applications/rules/<int:routingrule_id>/", views_join.join_rule_edit, name="join_rule_edit"
    ),
    path(
        "applications/rules/<int:routingrule_id>/delete/",
        views_join.join_rule_delete,
        name="join_rule_delete",
    ),
]
