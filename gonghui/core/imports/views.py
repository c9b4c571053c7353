"""Console pages of the spreadsheet import pipeline, shared by every kind of import: upload,
watch the check run, read the dry-run result, map columns, commit or discard."""

from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import ApplicationError, ForbiddenError, NotFoundError
from gonghui.core.exports import XLSX_TYPE, xlsx_response
from gonghui.core.forms_util import add_service_error
from gonghui.core.imports import selectors, services
from gonghui.core.imports.forms import ColumnMappingForm, ImportCommitForm, ImportUploadForm
from gonghui.core.imports.pipeline import errors_path
from gonghui.core.imports.spec import ImportSpec, import_spec
from gonghui.core.imports.template import template_workbook
from gonghui.core.models import ImportJob, ImportState
from gonghui.core.permissions import Perm


def _spec(kind: str) -> ImportSpec:
    try:
        return import_spec(kind)
    except KeyError:
        raise NotFoundError() from None


def import_list(request):
    """Recent imports into the acting org's subtree."""
    jobs = selectors.import_list(request.scope, kind=request.GET.get("kind", ""))
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(request, "core/imports/list.html", {"page": page})


def import_new(request, importjob_kind: str):
    spec, scope = _spec(importjob_kind), request.scope
    if not scope.can_anywhere(Perm.EDIT):
        raise ForbiddenError()
    form = ImportUploadForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_start(
                scope=scope,
                kind=spec.kind,
                org=form.cleaned_data["org"],
                upload=upload,
                file_name=upload.name,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return redirect("imports:detail", importjob_id=job.pk)
    recent = selectors.import_list(scope, kind=spec.kind)[:5]
    return render(request, "core/imports/new.html", {"form": form, "spec": spec, "recent": recent})


@require_GET
def import_template(request, importjob_kind: str):
    spec = _spec(importjob_kind)
    response = HttpResponse(template_workbook(spec), content_type=XLSX_TYPE)
    name = _("%(title)s import template.xlsx") % {"title": spec.title}
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def import_detail(request, importjob_id: int):
    """The job page; its status part alone for htmx, polled every second while it runs."""
    job = selectors.get_import_for(request.scope, importjob_id)
    partial = request.headers.get("HX-Request")
    template = "core/imports/status.html" if partial else "core/imports/detail.html"
    return render(request, template, _status_context(request, job))


def _status_context(request, job: ImportJob, *, commit_form=None, mapping_form=None) -> dict:
    spec = import_spec(job.kind)
    can_edit = request.scope.can(Perm.EDIT, job.org)
    # a commit waits in the queue like a check does; the choice made at commit tells them apart
    committing = job.state == ImportState.COMMITTING or (
        job.state == ImportState.QUEUED and bool(job.existing)
    )
    context = {
        "job": job,
        "spec": spec,
        "can_edit": can_edit,
        "percent": int(job.progress * 100),
        "phase": "commit" if committing else "check",
    }
    if job.state in {ImportState.VALIDATED, ImportState.COMMITTED}:
        context["issues"] = selectors.import_issues(job)
        context["issue_count"] = selectors.import_issue_count(job)
        context["errors_file"] = can_edit and errors_path(job).exists()
    if job.state == ImportState.VALIDATED and can_edit:
        context["commit_form"] = commit_form or ImportCommitForm()
    if job.state == ImportState.FAILED and can_edit:
        headers = selectors.import_header_cells(job)
        if headers:
            context["mapping_form"] = mapping_form or _mapping_form(job, headers)
            context["missing"] = selectors.import_missing_columns(job, headers)
    return context


def _mapping_form(job: ImportJob, headers: list[str], data=None) -> ColumnMappingForm:
    guess = selectors.import_guess_mapping(job, headers)
    columns = import_spec(job.kind).columns
    return ColumnMappingForm(data, columns=columns, headers=headers, mapping=guess)


@require_POST
def import_commit(request, importjob_id: int):
    job = selectors.get_import_for(request.scope, importjob_id, perm=Perm.EDIT)
    form = ImportCommitForm(request.POST)
    if form.is_valid():
        try:
            services.import_commit(scope=request.scope, job=job, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return redirect("imports:detail", importjob_id=job.pk)
    context = _status_context(request, job, commit_form=form)
    return render(request, "core/imports/detail.html", context)


@require_POST
def import_columns(request, importjob_id: int):
    """Check the file again with the columns the user chose."""
    job = selectors.get_import_for(request.scope, importjob_id, perm=Perm.EDIT)
    form = _mapping_form(job, selectors.import_header_cells(job), request.POST)
    if form.is_valid():
        try:
            services.import_recheck(scope=request.scope, job=job, mapping=form.mapping())
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return redirect("imports:detail", importjob_id=job.pk)
    context = _status_context(request, job, mapping_form=form)
    return render(request, "core/imports/detail.html", context)


@require_POST
def import_discard(request, importjob_id: int):
    job = selectors.get_import_for(request.scope, importjob_id, perm=Perm.EDIT)
    try:
        services.import_discard(scope=request.scope, job=job)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The import was discarded; nothing was imported."))
    return redirect("imports:detail", importjob_id=job.pk)


@require_GET
def import_errors(request, importjob_id: int):
    """The rejected rows as uploaded (personal data included): an audited export."""
    job = selectors.get_import_for(request.scope, importjob_id, perm=Perm.EDIT)
    path = services.import_errors_download(scope=request.scope, job=job)
    name = _("%(file)s rejected rows.xlsx") % {"file": Path(job.file_name).stem}
    return xlsx_response(path.open("rb"), name)
