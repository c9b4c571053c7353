"""The membership applications API at /api/v1/membership-applications/: the inbox (masked),
one application with its history, the decisions and pass-on, and the figures. Thin: every
rule is in the services and selectors."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from gonghui.core.api import responses
from gonghui.core.errors import ApplicationError, NotFoundError
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope
from gonghui.members import figures, selectors, services
from gonghui.members.models import (
    ApplicationStatus,
    EmploymentForm,
    MembershipApplication,
)
from gonghui.members.schemas import (
    AcceptIn,
    ApplicationDetailOut,
    ApplicationFiguresOut,
    ApplicationPage,
    DeclineIn,
    PassOnIn,
)
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import get_org_for

router = Router(tags=["membership applications"])
VIEW_HELP = "todo: pending with your unions, or escalated to them; pending; overdue; decided; all"


class ApplicationFilter(Schema):
    view: str = Field("todo", pattern="^(todo|pending|overdue|decided|all)$", description=VIEW_HELP)
    q: str = Field("", max_length=50, description="Name or pinyin, a whole phone or ID number")
    org: str = Field("", description="A union's code: that union and the unions below it")
    status: ApplicationStatus | None = None
    employment_form: EmploymentForm | None = None
    gig: bool = Field(False, description="Only gig workers (new forms of employment)")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


def _app(app: MembershipApplication, today) -> dict:
    return {
        "id": app.pk,
        "name": app.name,
        "id_number": app.id_number_masked,
        "phone": app.phone_masked,
        "employment_form": app.employment_form,
        "employer": app.employer_name,
        "industry": app.industry,
        "work_place": app.work_place.code,
        "not_notify_employer": app.not_notify_employer,
        "org": app.org.code,
        "org_name": app.org.name,
        "status": app.status,
        "route": app.route,
        "submitted_at": app.submitted_at,
        "due_on": app.due_on,
        "overdue": app.is_pending and app.due_on < today,
        "decided_on": app.decided_on,
        "decline_reason": app.decline_reason,
    }


def _detail(scope: Scope, app: MembershipApplication) -> dict:
    today = timezone.localdate()
    level, reached = selectors.application_escalation(app, today)
    events = [
        {
            "kind": e.kind,
            "from_org": e.from_org.code if e.from_org else None,
            "to_org": e.to_org.code if e.to_org else None,
            "level": e.level,
            "reason": e.reason,
            "at": e.at,
        }
        for e in selectors.application_events(scope, app)
    ]
    return {
        **_app(app, today),
        "escalation_level": level,
        "escalated_to": reached.code if reached else None,
        "membership_number": app.worker.membership_number if app.worker_id else None,
        "events": events,
    }


def _fresh(scope: Scope, app: MembershipApplication) -> dict:
    return _detail(scope, selectors.get_application_for(scope, app.pk))


@router.get(
    "/", response=responses(200, ApplicationPage, 401), summary="List applications you may see"
)
def list_applications(request, filters: Query[ApplicationFilter]):
    scope = request.scope
    org_id = None
    if filters.org:
        org_id = scope.orgs().filter(code=filters.org).values_list("pk", flat=True).first()
    apps = selectors.application_list(
        scope,
        view=filters.view,
        q=filters.q,
        org_id=org_id,
        status=filters.status or "",
        employment_form=filters.employment_form or "",
        gig=filters.gig,
    ).select_related("work_place")
    if filters.org and org_id is None:
        apps = apps.none()
    today = timezone.localdate()
    start = (filters.page - 1) * filters.page_size
    items = [_app(app, today) for app in apps[start : start + filters.page_size]]
    return {"items": items, "count": apps.count(), "page": filters.page,
            "page_size": filters.page_size}  # fmt: skip


def _line(line: figures.FigureLine) -> dict:
    return {
        "label": line.label,
        "org": line.code,
        "employment_form": line.query.get("employment_form"),
        "applications": line.applications,
        "pending": line.pending,
        "overdue": line.overdue,
        "accepted": line.accepted,
        "declined": line.declined,
        "median_days_to_decision": line.median_days,
    }


@router.get(
    "/figures",
    response=responses(200, ApplicationFiguresOut, 401, 403, 404),
    summary="Applications, decisions, overdue and median days, by union and employment form",
)
def application_figures(request, org: str = ""):
    scope = request.scope
    if org:
        top = get_org_for(scope, code=org)
    else:
        roots = sorted((g for g in scope.grants), key=lambda g: g.org_path)
        if not roots:
            raise NotFoundError()
        top = Org.objects.get(pk=roots[0].org_id)
    result = figures.application_figures(scope, top)
    return {
        "org": top.code,
        "as_of": result.as_of,
        "by_union": [_line(line) for line in result.by_union],
        "by_employment_form": [_line(line) for line in result.by_form],
        "total": _line(result.total),
    }


@router.get(
    "/{membershipapplication_id}",
    response=responses(200, ApplicationDetailOut, 401, 404),
    summary="One application with its history",
)
def get_application(request, membershipapplication_id: int):
    scope = request.scope
    return _detail(scope, selectors.get_application_for(scope, membershipapplication_id))


@router.post(
    "/{membershipapplication_id}/accept",
    response=responses(200, ApplicationDetailOut),
    summary="Accept: the applicant becomes a member, with a membership number",
)
def accept_application(request, membershipapplication_id: int, payload: AcceptIn):
    scope = request.scope
    app = selectors.get_application_for(scope, membershipapplication_id, perm=Perm.EDIT)
    services.application_accept(scope=scope, application=app, decided_on=payload.decided_on)
    return _fresh(scope, app)


@router.post(
    "/{membershipapplication_id}/decline",
    response=responses(200, ApplicationDetailOut),
    summary="Decline, with a reason the applicant reads",
)
def decline_application(request, membershipapplication_id: int, payload: DeclineIn):
    scope = request.scope
    app = selectors.get_application_for(scope, membershipapplication_id, perm=Perm.EDIT)
    services.application_decline(scope=scope, application=app, reason=payload.reason,
                                 decided_on=payload.decided_on)  # fmt: skip
    return _fresh(scope, app)


@router.post(
    "/{membershipapplication_id}/pass-on",
    response=responses(200, ApplicationDetailOut),
    summary="Pass on to another union (within yours, or above the handling one), with a reason",
)
def pass_on_application(request, membershipapplication_id: int, payload: PassOnIn):
    scope = request.scope
    app = selectors.get_application_for(scope, membershipapplication_id, perm=Perm.EDIT)
    # looked up among the unions it may go to: a code elsewhere reads as unknown
    to_org = selectors.pass_on_targets(scope, app).filter(code=payload.to_org).first()
    if to_org is None:
        message = _("Choose an active union within your organisation, or one above this union.")
        raise ApplicationError(message, fields={"to_org": [message]})
    app = services.application_pass_on(scope=scope, application=app, to_org=to_org,
                                       reason=payload.reason)  # fmt: skip
    if not scope.covers(app.org):
        return _detail(scope, app)
    return _fresh(scope, app)
