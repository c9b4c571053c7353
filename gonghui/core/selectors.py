"""Reads of the audit log, scoped to what the acting admin administers."""

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope


def audit_event_list(
    scope: Scope,
    *,
    q: str = "",
    action: str = "",
    actor: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Events about orgs where the user may view the audit log, newest first."""
    grants = tuple(g for g in scope.grants if Perm.VIEW_AUDIT in g.perms)
    if not grants:
        return AuditEvent.objects.none()
    condition = Q()
    for grant in grants:
        condition |= Q(org__path__startswith=grant.org_path)
    events = AuditEvent.objects.filter(condition).select_related("org")
    if q.strip():
        events = events.filter(Q(object_repr__icontains=q.strip()) | Q(object_id=q.strip()))
    if action:
        events = events.filter(action__startswith=action)
    if actor.strip():
        events = events.filter(actor_username__iexact=actor.strip())
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        events = events.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return events.order_by("-at", "-id")


def audit_actions(scope: Scope) -> list[str]:
    events = audit_event_list(scope).order_by("action")
    return list(events.values_list("action", flat=True).distinct())
