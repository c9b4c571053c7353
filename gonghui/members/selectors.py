"""Reads of the workers register, always through a Scope."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from gonghui.core.crypto import blind_index
from gonghui.core.identity import normalise_id_number, normalise_phone, normalise_text
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope, get_scoped
from gonghui.members.models import (
    GIG_FORMS,
    ApplicationEvent,
    ApplicationStatus,
    Employer,
    EmployerAlias,
    JoinPolicy,
    MembershipApplication,
    MembershipStatus,
    RoutingRule,
    Worker,
    WorkerGroup,
    WorkerTransfer,
)
from gonghui.members.services.routing import (
    ancestor_paths,
    escalation_level,
    escalation_thresholds,
)
from gonghui.orgs.models import Org, OrgKind, OrgStatus

ID_LIKE = re.compile(r"^\d{17}[\dX]$")
LETTERS = re.compile(r"^[a-z]+$")


def worker_search_q(q: str) -> Q:
    """What a person types into one search box, read the way they meant it:
    ``zs`` or ``zhangsan`` (pinyin), ``5678`` (last four digits of the phone), a whole
    mobile number or resident ID (exact, through the blind index), or a name."""
    text = normalise_text(q)
    compact = text.replace(" ", "").lower()
    if not compact:
        return Q()
    if compact.isdigit() and len(compact) == 4:
        return Q(phone_tail=compact)
    phone = normalise_phone(text)
    if phone.isdigit() and len(phone) == 11:
        return Q(phone_index=blind_index("phone", phone))
    id_number = normalise_id_number(text)
    if ID_LIKE.match(id_number):
        return Q(id_number_index=blind_index("id_number", id_number))
    if LETTERS.match(compact):
        return Q(name_initials__startswith=compact) | Q(name_pinyin__startswith=compact)
    return Q(name__startswith=text)


def worker_list(
    scope: Scope,
    *,
    q: str = "",
    org_id: int | None = None,
    employment_form: str = "",
    gig: bool = False,
    membership_status: str = "",
    group: str = "",
    employer_id: int | None = None,
) -> QuerySet[Worker]:
    """Workers in scope, filtered, sorted by pinyin as a Chinese reader expects."""
    workers = scope.filter(Worker.objects.all())
    if q:
        workers = workers.filter(worker_search_q(q))
    if org_id:
        org = scope.orgs().filter(pk=org_id).first()
        workers = workers.filter(org__path__startswith=org.path) if org else workers.none()
    if employment_form:
        workers = workers.filter(employment_form=employment_form)
    if gig:
        workers = workers.filter(employment_form__in=GIG_FORMS)
    if membership_status:
        workers = workers.filter(membership_status=membership_status)
    if group:
        workers = workers.filter(groups__code=group)
    if employer_id:
        workers = workers.filter(employer_id=employer_id)
    workers = workers.select_related("org", "employer")
    if q:
        # A search matches few rows: sort those. Ordered by the bare column, the planner may
        # instead walk the whole pinyin index hoping to meet 50 matches early (seconds at a
        # million workers). Lower() of the (lower-case) pinyin sorts the same, index-free.
        return workers.order_by(Lower("name_pinyin"), "pk")
    return workers.order_by("name_pinyin", "pk")


def get_worker_for(scope: Scope, worker_id: int, *, perm: Perm = Perm.VIEW) -> Worker:
    return get_scoped(
        scope, Worker.objects.select_related("org", "employer"), perm=perm, pk=worker_id
    )


def worker_transfers(scope: Scope, worker: Worker) -> QuerySet[WorkerTransfer]:
    """A worker's moves; the unions at either end are named even when outside the scope
    (the worker's history is theirs), but only for a worker the user may see."""
    if not scope.covers(worker.org):
        return WorkerTransfer.objects.none()
    return worker.transfers.select_related("from_org", "to_org", "transferred_by")


def worker_counts(scope: Scope) -> dict:
    """Totals for the dashboard: workers, members, gig workers, by employment form."""
    workers = scope.filter(Worker.objects.order_by())
    by_form = Counter(
        dict(workers.values_list("employment_form").annotate(n=Count("pk")).order_by())
    )
    members = workers.filter(membership_status=MembershipStatus.MEMBER).count()
    return {
        "total": sum(by_form.values()),
        "members": members,
        "gig": sum(n for form, n in by_form.items() if form in GIG_FORMS),
        "by_form": by_form,
    }


def group_list() -> QuerySet[WorkerGroup]:
    return WorkerGroup.objects.all()


def employer_search(q: str, *, limit: int = 20) -> list[Employer]:
    """Employers are not personal data and are shared by every union (models.Employer)."""
    text = normalise_text(q)
    if not text:
        return []
    key = text.lower().replace(" ", "")
    found = Employer.objects.filter(
        Q(name__contains=text) | Q(credit_code=text.upper()) | Q(name_pinyin__startswith=key)
    )
    return list(found.order_by("name_pinyin")[:limit])


# -- membership applications (网上入会) --------------------------------------------------------

PENDING = ApplicationStatus.PENDING
DECIDED = (ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED)
APPLICATION_VIEWS = ("todo", "pending", "overdue", "decided", "all")


def application_todo_q(scope: Scope, today: date) -> Q:
    """Pending applications a union must act on: those it handles itself, and those of the
    unions below it that are late enough to have been escalated to it (one level at once
    past the deadline, one more every JOIN_ESCALATE_EVERY_DAYS working days)."""
    thresholds = escalation_thresholds(today)
    condition = Q(pk__in=[])
    for grant in scope.grants:
        depth = len(grant.org_path) // Org.steplen
        condition |= Q(org_id=grant.org_id)
        for level, threshold in enumerate(thresholds, start=1):
            condition |= Q(
                org__path__startswith=grant.org_path,
                org__depth=depth + level,
                due_on__lt=threshold,
            )
    return condition & Q(status=PENDING)


def application_search_q(q: str) -> Q:
    """A name, its pinyin, or a whole phone or resident ID number (through the blind index)."""
    text = normalise_text(q)
    compact = text.replace(" ", "").lower()
    if not compact:
        return Q()
    phone = normalise_phone(text)
    if phone.isdigit() and len(phone) == 11:
        return Q(phone_index=blind_index("phone", phone))
    id_number = normalise_id_number(text)
    if ID_LIKE.match(id_number):
        return Q(id_number_index=blind_index("id_number", id_number))
    if LETTERS.match(compact):
        return Q(name_pinyin__startswith=compact)
    return Q(name__startswith=text)


def application_list(
    scope: Scope,
    *,
    view: str = "todo",
    q: str = "",
    org_id: int | None = None,
    exact: bool = False,
    status: str = "",
    employment_form: str = "",
    gig: bool = False,
    today: date | None = None,
) -> QuerySet[MembershipApplication]:
    """Applications in scope for one of the inbox's views, filtered, the most urgent first."""
    today = today or timezone.localdate()
    apps = scope.filter(MembershipApplication.objects.all())
    if view == "todo":
        apps = apps.filter(application_todo_q(scope, today))
    elif view == "pending":
        apps = apps.filter(status=PENDING)
    elif view == "overdue":
        apps = apps.filter(status=PENDING, due_on__lt=today)
    elif view == "decided":
        apps = apps.filter(status__in=DECIDED)
    if status:
        apps = apps.filter(status=status)
    if org_id:
        org = scope.orgs().filter(pk=org_id).first()
        if org is None:
            apps = apps.none()
        else:
            apps = apps.filter(org=org) if exact else apps.filter(org__path__startswith=org.path)
    if employment_form:
        apps = apps.filter(employment_form=employment_form)
    if gig:
        apps = apps.filter(employment_form__in=GIG_FORMS)
    if q:
        apps = apps.filter(application_search_q(q))
    apps = apps.select_related("org")
    if view in ("decided", "all"):
        return apps.order_by("-submitted_at", "-pk")
    return apps.order_by("due_on", "pk")


def get_application_for(
    scope: Scope, application_id: int, *, perm: Perm = Perm.VIEW
) -> MembershipApplication:
    related = ("org", "employer", "employer_union", "work_place", "worker", "rule", "decided_by")
    return get_scoped(
        scope,
        MembershipApplication.objects.select_related(*related),
        perm=perm,
        pk=application_id,
    )


def application_events(scope: Scope, app: MembershipApplication) -> QuerySet[ApplicationEvent]:
    """The application's history, for a user who may see the application."""
    if not scope.covers(app.org):
        return ApplicationEvent.objects.none()
    return app.events.select_related("from_org", "to_org", "actor")


def application_escalation(app: MembershipApplication, today: date | None = None):
    """(level, the union it has reached) for a pending application past its deadline, else
    (0, None)."""
    if not app.is_pending:
        return 0, None
    level = escalation_level(app.due_on, today or timezone.localdate())
    paths = ancestor_paths(app.org.path)[:-1]  # above the handling union, the root first
    if not level or not paths:
        return 0, None
    reached = paths[-min(level, len(paths))]
    return level, Org.objects.filter(path=reached).first()


def pass_on_targets(scope: Scope, app: MembershipApplication) -> QuerySet[Org]:
    """Unions an application may be passed on to: active ones within the user's subtree
    (where they may edit), and the unions above the one handling it; never the employer's
    union (or below it) when the applicant asked that the employer not be told."""
    within_scope = Q(pk__in=[])
    for grant in scope.grants:
        if Perm.EDIT in grant.perms:
            within_scope |= Q(path__startswith=grant.org_path)
    above = Q(path__in=ancestor_paths(app.org.path))
    orgs = Org.objects.filter(within_scope | above, status=OrgStatus.ACTIVE).exclude(pk=app.org_id)
    if app.not_notify_employer and app.employer_union_id:
        orgs = orgs.exclude(path__startswith=app.employer_union.path)
    return orgs.order_by("path")


def routing_rule_list(scope: Scope) -> QuerySet[RoutingRule]:
    """The rules that route applications from the places of the scope: for a place within
    it, or for a place above it (a district-wide rule), in tree order."""
    above = Q(pk__in=[])
    for grant in scope.grants:
        above |= Q(place__path__in=ancestor_paths(grant.org_path))
    rules = RoutingRule.objects.filter(above | Q(place__in=scope.orgs().values("pk")))
    return rules.select_related("org", "place", "target").order_by("place__path", "industry")


def join_policy_list(scope: Scope) -> QuerySet[JoinPolicy]:
    """The time limits that apply in the scope: set at or above its unions, or below them."""
    above = Q(pk__in=[])
    for grant in scope.grants:
        above |= Q(org__path__in=ancestor_paths(grant.org_path))
    policies = JoinPolicy.objects.filter(above | Q(org__in=scope.orgs().values("pk")))
    return policies.select_related("org", "updated_by").order_by("org__path")


# What an applicant sees (H5): their own applications, by the phone they signed in with; and
# the places of work they choose from (the org tree, which is public).


def applicant_applications(phone_index: str) -> QuerySet[MembershipApplication]:
    return (
        MembershipApplication.objects.filter(phone_index=phone_index)
        .select_related("org", "worker")
        .order_by("-submitted_at", "-pk")
    )


def work_districts() -> list[Org]:
    """Federations with street (area) unions below them: the districts to choose from."""
    areas = Org.objects.filter(kind=OrgKind.AREA, status=OrgStatus.ACTIVE)
    parents = {path[: -Org.steplen] for path in areas.values_list("path", flat=True)}
    return list(
        Org.objects.filter(
            path__in=parents, kind=OrgKind.FEDERATION, status=OrgStatus.ACTIVE
        ).order_by("path")
    )


def work_streets(district: Org | None) -> list[Org]:
    """The street (area) unions of a district, by pinyin."""
    if district is None:
        return []
    return list(
        Org.objects.filter(
            path__startswith=district.path,
            depth=district.depth + 1,
            kind=OrgKind.AREA,
            status=OrgStatus.ACTIVE,
        ).order_by("name_pinyin")
    )


def place_of_work(place_id) -> Org | None:
    """A district or street an applicant chose, if it is one of the offered places."""
    place = Org.objects.filter(
        pk=place_id, kind__in=(OrgKind.FEDERATION, OrgKind.AREA), status=OrgStatus.ACTIVE
    ).first()
    if place is None or place.kind == OrgKind.AREA:
        return place
    return place if place in work_districts() else None


def employer_suggestions(q: str, *, limit: int = 10) -> list[str]:
    """Names to offer as an applicant types their employer: known aliases (美团) and
    registered names."""
    text = normalise_text(q)
    if len(text) < 1:
        return []
    aliases = EmployerAlias.objects.filter(alias__startswith=text).order_by("alias")
    names = [a.alias for a in aliases[:limit]]
    names += [e.name for e in employer_search(text, limit=limit) if e.name not in names]
    return names[:limit]
