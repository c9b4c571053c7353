"""Every write to the org tree. Each function is one use case in one transaction, audited."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError
from treebeard.exceptions import InvalidMoveToDescendant

from gonghui.core.audit import audit_record, model_snapshot
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.localcache import clear_local_caches
from gonghui.core.permissions import Perm
from gonghui.core.pinyin import pinyin_keys
from gonghui.core.scope import Scope
from gonghui.orgs.models import ALLOWED_CHILD_KINDS, Org, OrgKind, OrgMove, OrgStatus

AUDITED_FIELDS = [
    "code",
    "name",
    "short_name",
    "kind",
    "credit_code",
    "address",
    "contact_person",
    "contact_phone",
    "status",
]
EDITABLE_FIELDS = frozenset(
    {"name", "short_name", "credit_code", "address", "contact_person", "contact_phone"}
)
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,30}$")


def _clean(fields: dict) -> dict:
    """Trim text and validate what a person types; raise with every bad field at once."""
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    errors: dict[str, list[str]] = {}
    if "code" in cleaned and not CODE_RE.match(cleaned["code"] or ""):
        errors["code"] = [_("Use 2-32 letters, digits, '-' or '_'.")]
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = [_("Enter the organisation's name.")]
    if "kind" in cleaned and cleaned["kind"] not in OrgKind.values:
        errors["kind"] = [_("Choose a valid kind.")]
    if cleaned.get("credit_code"):
        try:
            cleaned["credit_code"] = uscc.validate(cleaned["credit_code"])
        except StdnumError:
            errors["credit_code"] = [
                _("Not a valid unified social credit code (18 characters, checksum).")
            ]
    if cleaned.get("contact_phone") and not PHONE_RE.match(cleaned["contact_phone"]):
        errors["contact_phone"] = [_("Enter a phone number of digits only.")]
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    if "name" in cleaned:
        cleaned["name_pinyin"], cleaned["name_initials"] = pinyin_keys(cleaned["name"])
    return cleaned


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))


def _check_child_kind(parent: Org, kind: str) -> None:
    if kind not in ALLOWED_CHILD_KINDS[parent.kind]:
        raise ApplicationError(
            _("A %(child)s cannot sit under a %(parent)s.")
            % {"child": OrgKind(kind).label, "parent": OrgKind(parent.kind).label},
            fields={"kind": [_("Not allowed under this parent.")]},
        )


def _check_unique(*, code: str = "", credit_code: str = "", exclude: int | None = None) -> None:
    others = Org.objects.exclude(pk=exclude)
    if code and others.filter(code=code).exists():
        raise ConflictError(_("The code is already used."), fields={"code": [_("Already used.")]})
    if credit_code and others.filter(credit_code=credit_code).exists():
        raise ConflictError(
            _("Another organisation has this credit code."),
            fields={"credit_code": [_("Already used.")]},
        )


def org_create_root(
    *, actor, code: str, name: str, kind: str = OrgKind.FEDERATION, **fields
) -> Org:
    """A top-level org (the national federation). Only the CLI and the demo loader call this."""
    _check_fields(fields)
    data = _clean({"code": code, "name": name, "kind": kind, **fields})
    with transaction.atomic():
        _check_unique(code=data["code"], credit_code=data.get("credit_code", ""))
        org = Org.objects.add_root(data)
        audit_record(
            actor=actor,
            action="org.create",
            org=org,
            target=org,
            after=model_snapshot(org, AUDITED_FIELDS),
        )
    return org


def org_create(*, scope: Scope, parent: Org, code: str, name: str, kind: str, **fields) -> Org:
    """Add an org under ``parent``; the actor must administer ``parent``'s subtree."""
    scope.require(Perm.MANAGE_ORGS, parent)
    _check_fields(fields)
    data = _clean({"code": code, "name": name, "kind": kind, **fields})
    with transaction.atomic():
        # Lock the parent: it stays active until the child is in, and two concurrent creations
        # cannot compute the same child path (treebeard takes the same lock in add_child).
        parent = Org.objects.select_for_update().get(pk=parent.pk)
        if not parent.is_active:
            raise ApplicationError(_("An archived organisation cannot take new children."))
        _check_child_kind(parent, data["kind"])
        _check_unique(code=data["code"], credit_code=data.get("credit_code", ""))
        try:
            with transaction.atomic():
                org = Org.objects.add_child(parent, data)
        except IntegrityError as exc:
            raise ConflictError(_("The code or credit code is already used.")) from exc
        audit_record(
            scope=scope,
            action="org.create",
            org=org,
            target=org,
            after=model_snapshot(org, AUDITED_FIELDS),
        )
    return org


def org_update(*, scope: Scope, org: Org, **fields) -> Org:
    """Change an org's details (not its place in the tree: see ``org_move``)."""
    scope.require(Perm.MANAGE_ORGS, org)
    _check_fields(fields)
    data = _clean(fields)
    with transaction.atomic():
        org = Org.objects.select_for_update().get(pk=org.pk)
        before = model_snapshot(org, AUDITED_FIELDS)
        _check_unique(credit_code=data.get("credit_code", ""), exclude=org.pk)
        for name, value in data.items():
            setattr(org, name, value)
        org.updated_at = timezone.now()
        org.save()
        after = model_snapshot(org, AUDITED_FIELDS)
        if before != after:
            audit_record(
                scope=scope, action="org.update", org=org, target=org, before=before, after=after
            )
            clear_local_caches()  # names and paths held by this process's hot-path caches
    return org


def org_move(*, scope: Scope, org: Org, new_parent: Org, reason: str = "") -> Org:
    """Hand a subtree to another parent (a street union to another district).

    Records keep pointing at the same org rows, so their history stays whole; the move itself
    is kept in OrgMove and the audit log. The actor must administer both ends.
    """
    scope.require(Perm.MANAGE_ORGS, org)
    scope.require(Perm.MANAGE_ORGS, new_parent)
    if org.is_root():
        raise ApplicationError(_("A top-level organisation cannot be moved."))
    with transaction.atomic():
        org = Org.objects.select_for_update().get(pk=org.pk)
        new_parent = Org.objects.select_for_update().get(pk=new_parent.pk)
        old_parent = Org.objects.get_parent(org)
        if old_parent.pk == new_parent.pk:
            raise ApplicationError(_("The organisation is already under that parent."))
        if not new_parent.is_active:
            raise ApplicationError(_("An archived organisation cannot take new children."))
        _check_child_kind(new_parent, org.kind)
        try:
            Org.objects.move(org, new_parent, pos="last-child")
        except InvalidMoveToDescendant as exc:
            raise ApplicationError(_("An organisation cannot move into its own subtree.")) from exc
        org.refresh_from_db()
        OrgMove.objects.create(
            org=org,
            from_parent=old_parent,
            to_parent=new_parent,
            reason=reason.strip()[:200],
            moved_by=scope.user,
        )
        audit_record(
            scope=scope,
            action="org.move",
            org=org,
            target=org,
            before={"parent": old_parent.name},
            after={"parent": new_parent.name},
            extra={"reason": reason.strip()} if reason.strip() else None,
        )
        clear_local_caches()  # the subtree's paths changed
    return org


def _set_status(*, scope: Scope, org: Org, status: str, action: str) -> Org:
    scope.require(Perm.MANAGE_ORGS, org)
    with transaction.atomic():
        org = Org.objects.select_for_update().get(pk=org.pk)
        if org.status == status:
            return org
        if status == OrgStatus.ARCHIVED:
            if Org.objects.get_descendants(org).filter(status=OrgStatus.ACTIVE).exists():
                raise ApplicationError(_("Archive the organisations below it first."))
            if any(g.org_id == org.pk for g in scope.grants):
                raise ApplicationError(_("You cannot archive the organisation you act for."))
        elif not org.is_root() and not Org.objects.get_parent(org).is_active:
            raise ApplicationError(_("Restore its parent organisation first."))
        org.status = status
        org.archived_at = timezone.now() if status == OrgStatus.ARCHIVED else None
        org.updated_at = timezone.now()
        org.save(update_fields=["status", "archived_at", "updated_at"])
        audit_record(
            scope=scope,
            action=action,
            org=org,
            target=org,
            before={
                "status": OrgStatus.ACTIVE if status == OrgStatus.ARCHIVED else OrgStatus.ARCHIVED
            },
            after={"status": status},
        )
        clear_local_caches()  # roles at an archived org grant nothing
    return org


def org_archive(*, scope: Scope, org: Org) -> Org:
    """Archive an org with no active children; its records stay and its staff lose access."""
    return _set_status(scope=scope, org=org, status=OrgStatus.ARCHIVED, action="org.archive")


def org_restore(*, scope: Scope, org: Org) -> Org:
    return _set_status(scope=scope, org=org, status=OrgStatus.ACTIVE, action="org.restore")
