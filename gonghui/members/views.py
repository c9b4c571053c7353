"""Console pages of the workers register: thin, each one fetch-and-authorise, one service or
selector, render. Personal data is shown masked; a reveal is its own audited POST."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import ApplicationError, ForbiddenError
from gonghui.core.exports import xlsx_response
from gonghui.core.forms_util import add_service_error
from gonghui.core.permissions import Perm
from gonghui.members import exports, forms, selectors, services

PAGE_SIZE = 50


def worker_list(request):
    """The register: one search box, filters, pinyin order, paged; rows alone for htmx."""
    scope = request.scope
    form = forms.WorkerFilterForm(request.GET or None, scope=scope)
    workers = selectors.worker_list(scope, **form.filters())
    page = Paginator(workers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "can_edit": scope.can_anywhere(Perm.EDIT),
    }
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
    template = "members/rows.html" if partial else "members/list.html"
    return render(request, template, context)


@require_GET
def worker_export(request):
    """The filtered list as xlsx, streamed; plain values only for those allowed (audited)."""
    form = forms.WorkerFilterForm(request.GET or None, scope=request.scope)
    handle, filename = exports.workers_export(scope=request.scope, filters=form.filters())
    return xlsx_response(handle, filename)


def worker_detail(request, worker_id: int):
    scope = request.scope
    worker = selectors.get_worker_for(scope, worker_id)
    context = {
        "worker": worker,
        "groups": list(worker.groups.all()),
        "transfers": selectors.worker_transfers(scope, worker),
        "can_edit": scope.can(Perm.EDIT, worker.org),
        "can_reveal": scope.can(Perm.REVEAL_PII, worker.org),
    }
    return render(request, "members/detail.html", context)


@never_cache
@require_POST
def worker_reveal(request, worker_id: int):
    """One protected value in plain text, as an htmx fragment; every reveal is audited."""
    scope = request.scope
    worker = selectors.get_worker_for(scope, worker_id, perm=Perm.REVEAL_PII)
    field = request.POST.get("field", "")
    try:
        value = services.worker_reveal(scope=scope, worker=worker, field=field)
    except ApplicationError as error:
        return HttpResponseBadRequest(error.message)
    return render(request, "members/revealed.html", {"value": value, "field": field})


def worker_create(request):
    scope = request.scope
    if not scope.can_anywhere(Perm.EDIT):
        raise ForbiddenError()
    form = forms.WorkerCreateForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.worker_create(scope=scope, **form.service_fields())
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s was added to the register.") % {"name": worker})
            return redirect("members:detail", worker_id=worker.pk)
    return render(request, "members/form.html", {"form": form})


def worker_edit(request, worker_id: int):
    scope = request.scope
    worker = selectors.get_worker_for(scope, worker_id, perm=Perm.EDIT)
    form = forms.WorkerEditForm(request.POST or None, worker=worker)
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_update(scope=scope, worker=worker, **form.service_fields())
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("members:detail", worker_id=worker.pk)
    return render(request, "members/form.html", {"form": form, "worker": worker})


def worker_transfer(request, worker_id: int):
    """会员组织关系转接: move the worker to another union of the subtree."""
    scope = request.scope
    worker = selectors.get_worker_for(scope, worker_id, perm=Perm.EDIT)
    form = forms.TransferForm(request.POST or None, scope=scope, worker=worker)
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_transfer(scope=scope, worker=worker, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Transferred to %(org)s.") % {"org": form.cleaned_data["to_org"]}
            )
            return redirect("members:detail", worker_id=worker.pk)
    return _action_page(
        request, worker, form, _("Transfer to another union"), _("Confirm the transfer")
    )


def worker_join(request, worker_id: int):
    scope = request.scope
    worker = selectors.get_worker_for(scope, worker_id, perm=Perm.EDIT)
    form = forms.JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_join(scope=scope, worker=worker, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s joined the union.") % {"name": worker})
            return redirect("members:detail", worker_id=worker.pk)
    return _action_page(request, worker, form, _("Record joining the union"), _("Save"))


def worker_leave(request, worker_id: int):
    scope = request.scope
    worker = selectors.get_worker_for(scope, worker_id, perm=Perm.EDIT)
    form = forms.LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_leave(scope=scope, worker=worker, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s left the union.") % {"name": worker})
            return redirect("members:detail", worker_id=worker.pk)
    return _action_page(request, worker, form, _("Record leaving the union"), _("Save"))


def _action_page(request, worker, form, title: str, button: str):
    context = {"worker": worker, "form": form, "title": title, "button": button}
    return render(request, "members/action.html", context)


def employer_options(request):
    """<option>s for the employer field's datalist, as the user types."""
    q = request.GET.get("q") or request.GET.get("employer_name", "")
    employers = selectors.employer_search(q, limit=10)
    return render(request, "members/employer_options.html", {"employers": employers})
