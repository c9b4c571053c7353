"""Console pages of joining online: the inbox of applications, one application with its
decision, pass-on and history, the figures, and the routing rules and time limits. Thin:
fetch and authorise, call one service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import ApplicationError, ForbiddenError
from gonghui.core.exports import xlsx_response
from gonghui.core.forms_util import add_service_error
from gonghui.core.permissions import Perm
from gonghui.core.scope import get_scoped
from gonghui.members import exports, figures, forms_join, selectors, services
from gonghui.members.models import RoutingRule
from gonghui.orgs.selectors import get_org_for

PAGE_SIZE = 50


def application_list(request):
    """The inbox: to handle (own and escalated), pending, overdue, decided, all."""
    scope = request.scope
    form = forms_join.ApplicationFilterForm(request.GET or None, scope=scope)
    today = timezone.localdate()
    apps = selectors.application_list(scope, today=today, **form.filters())
    page = Paginator(apps, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "today": today,
        "query": request.GET.urlencode(),
        "views": forms_join.ApplicationFilterForm.VIEWS,
        "view": form.current_view,
        "can_edit": scope.can_anywhere(Perm.EDIT),
    }
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
    template = "members/applications/rows.html" if partial else "members/applications/list.html"
    return render(request, template, context)


@require_GET
def application_export(request):
    form = forms_join.ApplicationFilterForm(request.GET or None, scope=request.scope)
    handle, filename = exports.applications_export(scope=request.scope, filters=form.filters())
    return xlsx_response(handle, filename)


def application_detail(request, membershipapplication_id: int):
    scope = request.scope
    app = selectors.get_application_for(scope, membershipapplication_id)
    level, reached = selectors.application_escalation(app)
    context = {
        "app": app,
        "events": selectors.application_events(scope, app),
        "level": level,
        "reached": reached,
        "today": timezone.localdate(),
        "can_edit": app.is_pending and scope.can(Perm.EDIT, app.org),
        "can_reveal": scope.can(Perm.REVEAL_PII, app.org),
    }
    return render(request, "members/applications/detail.html", context)


@never_cache
@require_POST
def application_reveal(request, membershipapplication_id: int):
    """One protected value in plain text (htmx fragment); every reveal is audited."""
    scope = request.scope
    app = selectors.get_application_for(scope, membershipapplication_id, perm=Perm.REVEAL_PII)
    field = request.POST.get("field", "")
    try:
        value = services.application_reveal(scope=scope, application=app, field=field)
    except ApplicationError as error:
        return HttpResponseBadRequest(error.message)
    return render(request, "members/revealed.html", {"value": value, "field": field})


def _decide(request, membershipapplication_id: int, form_class, service, done: str, title: str):
    scope = request.scope
    app = selectors.get_application_for(scope, membershipapplication_id, perm=Perm.EDIT)
    # bound on every POST: accepting needs no field filled in (the date defaults to today)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service(scope=scope, application=app, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done % {"name": app.name})
            return redirect("members:application", membershipapplication_id=app.pk)
    context = {"app": app, "form": form, "title": title}
    return render(request, "members/applications/action.html", context)


def application_accept(request, membershipapplication_id: int):
    return _decide(request, membershipapplication_id, forms_join.AcceptForm,
                   services.application_accept, _("%(name)s is now a member."),
                   _("Accept the application"))  # fmt: skip


def application_decline(request, membershipapplication_id: int):
    return _decide(request, membershipapplication_id, forms_join.DeclineForm,
                   services.application_decline, _("The application of %(name)s was declined."),
                   _("Decline the application"))  # fmt: skip


def application_pass_on(request, membershipapplication_id: int):
    scope = request.scope
    app = selectors.get_application_for(scope, membershipapplication_id, perm=Perm.EDIT)
    form = forms_join.PassOnForm(request.POST or None, scope=scope, application=app)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_pass_on(scope=scope, application=app, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            to_org = form.cleaned_data["to_org"]
            messages.success(request, _("Passed on to %(org)s.") % {"org": to_org})
            if scope.covers(to_org):
                return redirect("members:application", membershipapplication_id=app.pk)
            return redirect("members:applications")
    context = {"app": app, "form": form, "title": _("Pass on to another union")}
    return render(request, "members/applications/action.html", context)


def application_figures(request):
    """By union (each subtree rolled up) and by employment form, as of now; ?org= drills
    into a union below."""
    scope = request.scope
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = get_org_for(scope, org_id=int(org_id))
    elif scope.acting:
        org = get_org_for(scope, org_id=scope.acting.org_id)
    else:
        raise ForbiddenError()
    result = figures.application_figures(scope, org)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(*exports.application_figures_export(result))
    return render(request, "members/applications/figures.html", {"figures": result})


# Routing rules and time limits


def join_rules(request):
    scope = request.scope
    context = {
        "rules": selectors.routing_rule_list(scope),
        "policies": selectors.join_policy_list(scope),
        "default_days": settings.JOIN_DECIDE_WITHIN_DAYS,
        "can_edit": scope.can_anywhere(Perm.EDIT),
    }
    return render(request, "members/applications/rules.html", context)


def _rule_form_page(request, form, service, title: str, **kwargs):
    if request.method == "POST" and form.is_valid():
        try:
            service(scope=request.scope, **kwargs, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("members:join_rules")
    context = {"form": form, "title": title, **kwargs}
    return render(request, "members/applications/rule_form.html", context)


def join_rule_create(request):
    if not request.scope.can_anywhere(Perm.EDIT):
        raise ForbiddenError()
    form = forms_join.RoutingRuleForm(request.POST or None, scope=request.scope)
    return _rule_form_page(request, form, services.routing_rule_create, _("Add a routing rule"))


def _rule(request, routingrule_id: int, perm: Perm = Perm.VIEW) -> RoutingRule:
    rules = RoutingRule.objects.select_related("org", "place", "target")
    return get_scoped(request.scope, rules, perm=perm, pk=routingrule_id)


def join_rule_edit(request, routingrule_id: int):
    rule = _rule(request, routingrule_id, Perm.EDIT)
    initial = {"target": rule.target_id, "note": rule.note}
    form = forms_join.RoutingRuleEditForm(request.POST or None, scope=request.scope,
                                          initial=initial)  # fmt: skip
    title = _("Rule for %(place)s") % {"place": rule.place.name}
    return _rule_form_page(request, form, services.routing_rule_update, title, rule=rule)


@require_POST
def join_rule_delete(request, routingrule_id: int):
    rule = _rule(request, routingrule_id, Perm.EDIT)
    services.routing_rule_delete(scope=request.scope, rule=rule)
    messages.success(request, _("The rule was removed."))
    return redirect("members:join_rules")


def join_policy(request):
    """A federation's time limit for deciding applications."""
    if not request.scope.can_anywhere(Perm.EDIT):
        raise ForbiddenError()
    form = forms_join.JoinPolicyForm(request.POST or None, scope=request.scope)
    return _rule_form_page(request, form, services.join_policy_set, _("Set a time limit"))
