"""Writing audit events. Services call ``audit_record`` inside their transaction."""

from typing import Any

from django.db import models

from gonghui.core.context import current_meta
from gonghui.core.fastsql import insert
from gonghui.core.models import AuditEvent
from gonghui.core.pii import mask_value


def model_snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of ``fields`` as JSON-friendly data, foreign keys as their ids."""
    snapshot = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        # JSON fields stay structures: compared as values, their key order (which PostgreSQL's
        # jsonb does not keep) cannot show up as a change.
        if value is not None and not isinstance(value, (str, int, float, bool, dict, list)):
            value = str(value)
        snapshot[name] = value
    return snapshot


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list]:
    """{"field": [before, after]} for every field whose value changed, personal data masked."""
    before, after = before or {}, after or {}
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = [mask_value(key, old), mask_value(key, new)]
    return changes


def audit_record(
    *,
    action: str,
    scope=None,
    actor=None,
    org=None,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``before``/``after`` are snapshots; only what changed is kept.

    Pass the acting ``scope`` from console and API use cases, or a bare ``actor`` from the
    CLI and the demo loader (no acting org there).
    """
    # Every write of every service passes here: a plain INSERT, not the ORM's save().
    return insert(
        audit_event(
            action=action,
            scope=scope,
            actor=actor,
            org=org,
            target=target,
            before=before,
            after=after,
            extra=extra,
        )
    )


def audit_event(
    *,
    action: str,
    scope=None,
    actor=None,
    org=None,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event ``audit_record`` appends, not saved yet: for a hot path that writes it in
    the same statement as its target, where ``object_id`` may come from the
    target's insert (care's kit scan, a quiz's start and submission)."""
    meta = current_meta()
    if scope is not None:
        actor = scope.user
    changes = diff(before, after)
    if extra:
        changes.update({key: mask_value(key, value) for key, value in extra.items()})
    user = actor if getattr(actor, "pk", None) else None
    return AuditEvent(
        actor=user,
        actor_username=getattr(user, "username", "") or "",
        org=org,
        acting_org_id=scope.acting_org_id if scope is not None else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:255] if target is not None else "",
        changes=changes,
        ip=meta.ip,
        user_agent=meta.user_agent[:255],
        via=meta.via,
    )
