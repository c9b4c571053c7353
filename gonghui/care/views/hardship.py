"""Hardship files: only through a role granted Perm.HARDSHIP; every read is audited."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gonghui.care import forms, selectors, services
from gonghui.care.forms import fen
from gonghui.care.models import HardshipStatus
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ForbiddenError
from gonghui.core.forms_util import add_service_error
from gonghui.core.permissions import Perm
from gonghui.members.selectors import get_worker_for, worker_list


def _require(scope) -> None:
    if not scope.can_anywhere(Perm.HARDSHIP):
        raise ForbiddenError()


@never_cache
def hardship_list(request):
    scope = request.scope
    _require(scope)
    status = request.GET.get("status", "")
    page = Paginator(selectors.hardship_list(scope, status=status), 50).get_page(
        request.GET.get("page")
    )
    with transaction.atomic():
        audit_record(
            action="hardship.list",
            scope=scope,
            org=None,
            extra={"status": status, "page": page.number},
        )
    context = {
        "page": page,
        "status": status,
        "statuses": HardshipStatus.choices,
        "totals": selectors.hardship_totals(scope),
    }
    return render(request, "care/hardship_list.html", context)


@never_cache
def hardship_create(request):
    scope = request.scope
    _require(scope)
    worker_id = request.GET.get("worker", "")
    if not worker_id.isdigit():
        q = request.GET.get("q", "").strip()
        found = worker_list(scope, q=q)[:20] if q else []
        return render(request, "care/hardship_pick.html", {"q": q, "found": found})
    worker = get_worker_for(scope, int(worker_id), perm=Perm.EDIT)
    form = forms.HardshipForm(request.POST or None, initial={"worker_id": worker.pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("worker_id")
        data["monthly_income_fen"] = fen(data.pop("monthly_income"))
        try:
            case = services.case_create(scope=scope, worker=worker, **data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The hardship file was opened."))
            return redirect("care:hardship_case", hardshipcase_id=case.pk)
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "title": _("Open a hardship file for %(name)s") % {"name": worker.name},
            "cancel": "/care/hardship/",
        },
    )


@never_cache
def hardship_detail(request, hardshipcase_id: int):
    scope = request.scope
    case = selectors.get_hardship_for(scope, hardshipcase_id)
    services.case_viewed(scope=scope, case=case)
    context = {
        "case": case,
        "assistance": case.assistance.order_by("-given_on"),
        "reviews": case.reviews.select_related("reviewed_by"),
        "can_edit": scope.can(Perm.EDIT, case.org),
        "assess": forms.AssessForm(),
        "decide": forms.DecideForm(),
        "assist": forms.AssistanceForm(),
        "review": forms.ReviewForm(),
    }
    return render(request, "care/hardship_detail.html", context)


ACTIONS = {
    "assess": (forms.AssessForm, lambda s, c, d: services.case_assess(scope=s, case=c, **d)),
    "decide": (
        forms.DecideForm,
        lambda s, c, d: services.case_decide(
            scope=s, case=c, approve=d["approve"] == "1", note=d["note"]
        ),
    ),
    "assist": (
        forms.AssistanceForm,
        lambda s, c, d: services.assistance_add(
            scope=s,
            case=c,
            kind=d["kind"],
            amount_fen=fen(d["amount"]),
            description=d["description"],
            given_on=d["given_on"],
        ),
    ),
    "review": (forms.ReviewForm, lambda s, c, d: services.case_review(scope=s, case=c, **d)),
}


@require_POST
def hardship_action(request, hardshipcase_id: int, action: str):
    scope = request.scope
    case = selectors.get_hardship_for(scope, hardshipcase_id)
    if action not in ACTIONS:
        raise ForbiddenError()
    form_class, call = ACTIONS[action]
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(" ".join(e for errs in form.errors.values() for e in errs))
        call(scope, case, form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("care:hardship_case", hardshipcase_id=case.pk)
