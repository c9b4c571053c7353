from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.console import figures_for, h5_tiles
from gonghui.core.errors import ForbiddenError
from gonghui.core.forms import AuditSearchForm
from gonghui.core.middleware import ACTING_ROLE_SESSION_KEY
from gonghui.core.permissions import Perm
from gonghui.core.selectors import audit_actions, audit_event_list


def dashboard(request):
    return render(request, "core/dashboard.html", {"cards": figures_for(request.scope)})


@require_POST
def acting_switch(request):
    """Act for another org the user holds a role at; the scope narrows to its subtree."""
    role_id = request.POST.get("role_id", "")
    if (
        role_id.isdigit()
        and request.user.roles.filter(pk=int(role_id), org__status="active").exists()
    ):
        request.session[ACTING_ROLE_SESSION_KEY] = int(role_id)
        messages.success(request, _("You are now acting for another organisation."))
    else:
        messages.error(request, _("You hold no role there."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    return HttpResponseRedirect(next_url)


def audit_log(request):
    scope = request.scope
    if not scope.can_anywhere(Perm.VIEW_AUDIT):
        raise ForbiddenError()
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(scope, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "actions": audit_actions(scope)}
    template = (
        "core/audit_rows.html" if request.headers.get("HX-Request") else "core/audit_log.html"
    )
    return render(request, template, context)


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def h5_home(request):
    """The worker's mobile home: the services that apps have put on it."""
    return render(request, "core/h5_home.html", {"tiles": h5_tiles()})
