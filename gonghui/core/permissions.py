"""Roles and permissions, declared once. A role held at an org covers that org's subtree."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Officer")
    VIEWER = "viewer", _("Viewer")


class Perm(StrEnum):
    VIEW = "view"  # read records of the subtree
    EDIT = "edit"  # create and change records of the subtree
    MANAGE_ORGS = "manage_orgs"  # create, move and archive orgs
    MANAGE_STAFF = "manage_staff"  # staff accounts and their roles
    VIEW_AUDIT = "view_audit"  # search the audit log
    REVEAL_PII = "reveal_pii"  # see resident ID and phone numbers unmasked (each reveal audited)
    # Hardship files (困难帮扶档案): household circumstances and the help given. No role kind
    # carries it; an administrator grants it on one role explicitly (Role.hardship_access).
    HARDSHIP = "hardship"


# Permissions a role holds only when granted one by one, never through its kind.
EXPLICIT_PERMS = frozenset({Perm.HARDSHIP})

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    RoleKind.VIEWER: frozenset({Perm.VIEW}),
    RoleKind.OFFICER: frozenset({Perm.VIEW, Perm.EDIT}),
    RoleKind.ADMIN: frozenset(Perm) - EXPLICIT_PERMS,
}
