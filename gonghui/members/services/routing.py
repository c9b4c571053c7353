"""Where a membership application goes, and by when it must be decided.

Routing, in this order:

1. the employer's own grassroots union, when the employer is in the register with one and
   the applicant did not ask that the employer not be told;
2. otherwise the most specific routing rule for the place of work: the deepest rule place
   at or above the place the applicant chose, a rule for their industry before one for all
   industries;
3. otherwise the street (area) union the applicant chose as their place of work;
4. otherwise the district federation of that place.

A union inside the employer's union's subtree never receives an application whose applicant
asked that the employer not be told (rules pointing there are skipped).

Deadlines count working days on China's calendar (core/workdays.py) from the day the
application is made, with the time limit of the nearest federation above the handling union
that has set one (``JoinPolicy``), else ``JOIN_DECIDE_WITHIN_DAYS``. An application past its
deadline escalates one level up at once, and one more level every
``JOIN_ESCALATE_EVERY_DAYS`` working days after that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.identity import normalise_text
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope
from gonghui.core.workdays import add_working_days
from gonghui.members.models import (
    Employer,
    EmployerAlias,
    Industry,
    JoinPolicy,
    RouteKind,
    RoutingRule,
)
from gonghui.orgs.models import Org, OrgKind, OrgStatus

PLACE_KINDS = frozenset({OrgKind.FEDERATION, OrgKind.AREA, OrgKind.COMMUNITY})
RULE_OWNER_KINDS = frozenset({OrgKind.FEDERATION, OrgKind.AREA})
MAX_POLICY_DAYS = 60
# Escalation looks this many levels up at most (a street union's overdue application reaches
# the district, the city and the national federation well before that).
MAX_LEVELS = 8


@dataclass(frozen=True)
class Route:
    org: Org
    kind: str
    rule: RoutingRule | None = None


def ancestor_paths(path: str) -> list[str]:
    """The paths of an org and of every org above it, the root first."""
    step = Org.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def within(org: Org, top: Org | None) -> bool:
    """Whether ``org`` is ``top`` or lies below it."""
    return top is not None and org.path.startswith(top.path)


# Employers


def employer_match(text: str) -> Employer | None:
    """The registered employer an applicant means by what they typed: a credit code, the
    registered name, a known alias (美团 for 北京三快科技有限公司), or the only registered
    name that contains the text. Nothing is created from an applicant's text."""
    text = normalise_text(text)[:100]
    if not text:
        return None
    if len(text) == 18:
        found = Employer.objects.filter(credit_code=text.upper()).first()
        if found:
            return found
    found = Employer.objects.filter(name=text).order_by("pk").first()
    if found:
        return found
    alias = EmployerAlias.objects.filter(alias__iexact=text).select_related("employer").first()
    if alias:
        return alias.employer
    if len(text) >= 2:
        several = list(Employer.objects.filter(name__contains=text).order_by("pk")[:2])
        if len(several) == 1:
            return several[0]
    return None


def employer_alias_add(*, scope: Scope, employer: Employer, alias: str) -> EmployerAlias:
    """Record a name people use for ``employer`` (a brand, a short name)."""
    alias = normalise_text(alias)[:100]
    if not alias:
        raise ApplicationError(_("Enter the name."), fields={"alias": [_("Required.")]})
    if employer.union_id is not None:
        scope.require(Perm.EDIT, employer.union)
    elif not scope.can_anywhere(Perm.EDIT):
        raise ApplicationError(_("You do not have permission to do this."), code="forbidden")
    try:
        with transaction.atomic():
            row = EmployerAlias.objects.create(employer=employer, alias=alias)
            audit_record(
                action="employer.alias_add",
                scope=scope,
                org=employer.union,
                target=employer,
                extra={"alias": alias},
            )
    except IntegrityError:
        raise ConflictError(_("This name is already used for an employer.")) from None
    return row


# Routing


def matching_rule(place: Org, industry: str, *, avoid: Org | None = None) -> RoutingRule | None:
    """The most specific rule for ``place`` and ``industry`` whose union is active and not
    inside ``avoid``."""
    rules = RoutingRule.objects.filter(
        place__path__in=ancestor_paths(place.path),
        industry__in={industry, ""},
        target__status=OrgStatus.ACTIVE,
    ).select_related("place", "target")
    ranked = sorted(rules, key=lambda r: (-r.place.depth, r.industry == "", r.pk))
    return next((rule for rule in ranked if not within(rule.target, avoid)), None)


def district_of(place: Org) -> Org:
    """The nearest federation at or above ``place`` (the district federation of a street)."""
    federations = Org.objects.filter(
        path__in=ancestor_paths(place.path), kind=OrgKind.FEDERATION, status=OrgStatus.ACTIVE
    )
    found = federations.order_by("-depth").first()
    if found is None:
        raise ApplicationError(_("No federation covers this place of work."))
    return found


def route_for(*, employer: Employer | None, place: Org, industry: str, not_notify: bool) -> Route:
    """Which union receives a new application (see the module's docstring)."""
    union = employer.union if employer is not None and employer.union_id else None
    if union is not None and not union.is_active:
        union = None
    if union is not None and not not_notify:
        return Route(union, RouteKind.EMPLOYER_UNION)
    avoid = union if not_notify else None
    rule = matching_rule(place, industry, avoid=avoid)
    if rule is not None:
        return Route(rule.target, RouteKind.RULE, rule)
    if place.kind != OrgKind.FEDERATION and place.is_active and not within(place, avoid):
        return Route(place, RouteKind.PLACE)
    return Route(district_of(place), RouteKind.DISTRICT)


# Deadlines and escalation


def decide_within_days(org: Org) -> int:
    """The time limit of the nearest federation at or above ``org`` that has set one."""
    policy = (
        JoinPolicy.objects.filter(org__path__in=ancestor_paths(org.path))
        .order_by("-org__depth")
        .first()
    )
    return policy.decide_within_days if policy else settings.JOIN_DECIDE_WITHIN_DAYS


def due_date(submitted_on: date, days: int) -> date:
    """The last day to decide: the ``days``-th working day after the day of applying."""
    return add_working_days(submitted_on, days)


def escalation_level(due_on: date, today: date, every: int | None = None) -> int:
    """0 while the deadline holds; 1 (the parent union) from the day after it; one more
    for every ``every`` further working days."""
    every = every or settings.JOIN_ESCALATE_EVERY_DAYS
    level = 0
    while level < MAX_LEVELS and add_working_days(due_on, level * every) < today:
        level += 1
    return level


def escalation_thresholds(today: date, every: int | None = None) -> list[date]:
    """``[T1, T2, ...]``: an application is escalated at least k levels exactly when its
    deadline lies before ``T_k`` (what the inbox filters on, in SQL)."""
    every = every or settings.JOIN_ESCALATE_EVERY_DAYS
    return [add_working_days(today, -(k - 1) * every) for k in range(1, MAX_LEVELS + 1)]


# Rules and time limits, kept by federations (and area unions for their own subtree)


def _rule_errors(org: Org, place: Org, target: Org, industry: str, note: str) -> dict:
    errors: dict[str, list[str]] = {}
    if org.kind not in RULE_OWNER_KINDS or not org.is_active:
        errors["org"] = [_("Rules are kept by an active federation or area union.")]
    if place.kind not in PLACE_KINDS or not within(place, org):
        errors["place"] = [_("Choose a district, street or community within the union.")]
    if target.kind == OrgKind.BRANCH or not target.is_active or not within(target, org):
        errors["target"] = [_("Choose an active union within the union, not a branch.")]
    if industry and industry not in Industry.values:
        errors["industry"] = [_("Choose a valid industry.")]
    if len(note) > 200:
        errors["note"] = [_("At most %(n)d characters.") % {"n": 200}]
    return errors


def _rule_snapshot(rule: RoutingRule) -> dict:
    return {
        "place": rule.place.name,
        "industry": rule.industry,
        "target": rule.target.name,
        "note": rule.note,
    }


def routing_rule_create(
    *, scope: Scope, org: Org, place: Org, target: Org, industry: str = "", note: str = ""
) -> RoutingRule:
    """A rule of ``org``: applications from ``place`` (and below) in ``industry`` (or any)
    go to ``target``."""
    scope.require(Perm.EDIT, org)
    note = normalise_text(note)
    errors = _rule_errors(org, place, target, industry, note)
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    user = scope.user if getattr(scope.user, "pk", None) else None
    try:
        with transaction.atomic():
            rule = RoutingRule.objects.create(
                org=org, place=place, target=target, industry=industry, note=note, created_by=user
            )
            audit_record(
                action="routing_rule.create",
                scope=scope,
                org=org,
                target=rule,
                after=_rule_snapshot(rule),
            )
    except IntegrityError:
        message = _("There is already a rule for this place and industry.")
        raise ConflictError(message, fields={"place": [message]}) from None
    return rule


def routing_rule_update(
    *, scope: Scope, rule: RoutingRule, target: Org, note: str = ""
) -> RoutingRule:
    scope.require(Perm.EDIT, rule.org)
    note = normalise_text(note)
    errors = _rule_errors(rule.org, rule.place, target, rule.industry, note)
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    with transaction.atomic():
        rule = (
            RoutingRule.objects.select_for_update()
            .select_related("place", "target")
            .get(pk=rule.pk)
        )
        before = _rule_snapshot(rule)
        rule.target, rule.note = target, note
        rule.save(update_fields=["target", "note"])
        audit_record(
            action="routing_rule.update",
            scope=scope,
            org=rule.org,
            target=rule,
            before=before,
            after=_rule_snapshot(rule),
        )
    return rule


def routing_rule_delete(*, scope: Scope, rule: RoutingRule) -> None:
    """Applications already routed by the rule stay where they are."""
    scope.require(Perm.EDIT, rule.org)
    with transaction.atomic():
        audit_record(
            action="routing_rule.delete",
            scope=scope,
            org=rule.org,
            target=rule,
            before=_rule_snapshot(rule),
        )
        RoutingRule.objects.filter(pk=rule.pk).delete()


def join_policy_set(*, scope: Scope, org: Org, decide_within_days: int) -> JoinPolicy:
    """A federation's time limit for applications handled in its subtree from now on
    (applications already made keep their deadline)."""
    scope.require(Perm.EDIT, org)
    errors: dict[str, list[str]] = {}
    if org.kind != OrgKind.FEDERATION or not org.is_active:
        errors["org"] = [_("Time limits are set by an active federation.")]
    if not 1 <= decide_within_days <= MAX_POLICY_DAYS:
        errors["decide_within_days"] = [
            _("Between 1 and %(n)d working days.") % {"n": MAX_POLICY_DAYS}
        ]
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    user = scope.user if getattr(scope.user, "pk", None) else None
    with transaction.atomic():
        policy, created = JoinPolicy.objects.select_for_update().get_or_create(org=org)
        before = None if created else {"decide_within_days": policy.decide_within_days}
        policy.decide_within_days = decide_within_days
        policy.updated_at, policy.updated_by = timezone.now(), user
        policy.save()
        audit_record(
            action="join_policy.set",
            scope=scope,
            org=org,
            target=policy,
            before=before,
            after={"decide_within_days": decide_within_days},
        )
    return policy
