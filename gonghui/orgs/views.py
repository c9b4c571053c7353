from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.accounts.selectors import staff_list
from gonghui.core.errors import ApplicationError, NotFoundError
from gonghui.core.forms_util import add_service_error
from gonghui.core.permissions import Perm
from gonghui.orgs import forms, selectors, services
from gonghui.orgs.models import OrgKind


def org_tree(request):
    scope = request.scope
    q = request.GET.get("q", "").strip()
    if q:
        results = selectors.org_list(scope, q=q)[:50]
        template = (
            "orgs/search_results.html" if request.headers.get("HX-Request") else "orgs/tree.html"
        )
        return render(request, template, {"q": q, "results": results})
    return render(request, "orgs/tree.html", {"roots": selectors.org_roots(scope), "q": ""})


def org_list(request):
    """A flat, filterable list: where dashboard figures drill down to."""
    q, kind, status = (request.GET.get(k, "") for k in ("q", "kind", "status"))
    orgs = selectors.org_list(request.scope, q=q, kind=kind, status=status or "active")
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "kind": kind, "status": status, "kinds": OrgKind.choices}
    return render(request, "orgs/list.html", context)


def org_children(request, org_id: int):
    """The htmx fragment that expands one node of the tree."""
    parent = selectors.get_org_for(request.scope, org_id=org_id)
    children = selectors.org_children(request.scope, parent)
    return render(request, "orgs/tree_children.html", {"parent": parent, "children": children})


def org_detail(request, org_id: int):
    scope = request.scope
    org = selectors.get_org_for(scope, org_id=org_id)
    context = {
        "org": org,
        "ancestors": selectors.org_ancestors(scope, org),
        "children": selectors.org_children(scope, org)[:100],
        "moves": selectors.org_move_history(scope, org),
        "staff": staff_list(scope).filter(roles__org=org)[:50],
        "can_manage": scope.can(Perm.MANAGE_ORGS, org),
        "can_manage_staff": scope.can(Perm.MANAGE_STAFF, org),
    }
    return render(request, "orgs/detail.html", context)


def org_create(request, org_id: int):
    parent = selectors.get_org_for(request.scope, org_id=org_id, perm=Perm.MANAGE_ORGS)
    form = forms.OrgCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(scope=request.scope, parent=parent, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": org.name})
            return redirect("orgs:detail", org_id=org.pk)
    return render(request, "orgs/form.html", {"form": form, "parent": parent})


def org_edit(request, org_id: int):
    org = selectors.get_org_for(request.scope, org_id=org_id, perm=Perm.MANAGE_ORGS)
    initial = {name: getattr(org, name) for name in forms.OrgDetailsForm.base_fields}
    form = forms.OrgDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(scope=request.scope, org=org, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("orgs:detail", org_id=org.pk)
    return render(request, "orgs/form.html", {"form": form, "org": org})


def org_move(request, org_id: int):
    scope = request.scope
    org = selectors.get_org_for(scope, org_id=org_id, perm=Perm.MANAGE_ORGS)
    form = forms.OrgMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target = selectors.get_org_for(
                scope, code=form.cleaned_data["new_parent_code"], perm=Perm.MANAGE_ORGS
            )
            services.org_move(
                scope=scope, org=org, new_parent=target, reason=form.cleaned_data["reason"]
            )
        except NotFoundError:
            form.add_error("new_parent_code", _("No organisation with this code in your scope."))
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Moved."))
            return redirect("orgs:detail", org_id=org.pk)
    return render(request, "orgs/move.html", {"form": form, "org": org})


@require_POST
def org_set_status(request, org_id: int):
    org = selectors.get_org_for(request.scope, org_id=org_id, perm=Perm.MANAGE_ORGS)
    service = (
        services.org_restore if request.POST.get("status") == "active" else services.org_archive
    )
    try:
        service(scope=request.scope, org=org)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("orgs:detail", org_id=org.pk)
