from django.urls import path

from gonghui.core.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("<slug:importjob_kind>/new/", views.import_new, name="new"),
    path("<slug:importjob_kind>/template.xlsx", views.import_template, name="template"),
    path("<int:importjob_id>/", views.import_detail, name="detail"),
    path("<int:importjob_id>/errors.xlsx", views.import_errors, name="errors"),
    path("<int:importjob_id>/columns/", views.import_columns, name="columns"),
    path("<int:importjob_id>/commit/", views.import_commit, name="commit"),
    path("<int:importjob_id>/discard/", views.import_discard, name="discard"),
]
