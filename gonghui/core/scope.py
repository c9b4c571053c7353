"""Scope: what a staff user may see and do, applied in one place (DESIGN rule 1).

A staff user holds roles at orgs; a role covers its org's whole subtree. Org paths are
materialised (treebeard MP), so "in the subtree of X" is one indexed prefix match. Every
selector and fetch-and-authorise helper takes a ``Scope`` and filters through it; a scope with
no grants sees nothing (deny by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet

from gonghui.core.errors import ForbiddenError, NotFoundError
from gonghui.core.localcache import LocalCache
from gonghui.core.permissions import ROLE_PERMS, Perm

if TYPE_CHECKING:
    from gonghui.orgs.models import Org


@dataclass(frozen=True)
class Grant:
    role_id: int
    org_id: int
    org_path: str
    org_name: str
    kind: str
    hardship: bool = False  # Role.hardship_access: granted explicitly, never by the kind

    @property
    def perms(self) -> frozenset[Perm]:
        perms = ROLE_PERMS[self.kind]
        return (perms | {Perm.HARDSHIP}) if self.hardship else perms

    def covers(self, org_path: str) -> bool:
        return org_path.startswith(self.org_path)


class Scope:
    def __init__(self, user, grants: tuple[Grant, ...], acting: Grant | None = None) -> None:
        self.user = user
        self.grants = grants
        self.acting = acting

    def __repr__(self) -> str:
        return f"<Scope {getattr(self.user, 'username', None)} {[g.org_name for g in self.grants]}>"

    @property
    def acting_org_id(self) -> int | None:
        return self.acting.org_id if self.acting else None

    def q(self, path_lookup: str = "path") -> Q:
        """A filter matching rows whose org path lies in one of the granted subtrees."""
        if not self.grants:
            return Q(pk__in=[])
        condition = Q()
        for grant in self.grants:
            condition |= Q(**{f"{path_lookup}__startswith": grant.org_path})
        return condition

    def filter(self, queryset: QuerySet, org_field: str = "org") -> QuerySet:
        """``queryset`` narrowed to rows whose ``org_field`` is in scope ('' for Org itself).

        Rows of other tables are matched by ``org_id IN (orgs of the subtree)`` rather than
        a join: the database then builds the (small) set of orgs once, whatever it guesses
        about their number, and the row filters of a search stay one index scan."""
        if not org_field:
            return queryset.filter(self.q("path"))
        return queryset.filter(**{f"{org_field}__in": self.orgs().order_by().values("pk")})

    def orgs(self) -> QuerySet[Org]:
        from gonghui.orgs.models import Org

        return self.filter(Org.objects.all(), org_field="")

    def perms_at(self, org: Org) -> frozenset[Perm]:
        perms: set[Perm] = set()
        for grant in self.grants:
            if grant.covers(org.path):
                perms |= grant.perms
        return frozenset(perms)

    def can(self, perm: Perm, org: Org) -> bool:
        return perm in self.perms_at(org)

    def can_anywhere(self, perm: Perm) -> bool:
        return any(perm in grant.perms for grant in self.grants)

    def require(self, perm: Perm, org: Org) -> None:
        if not self.can(perm, org):
            raise ForbiddenError()

    def covers(self, org: Org) -> bool:
        return any(grant.covers(org.path) for grant in self.grants)


def org_of(obj: Model, org_field: str) -> Org:
    return obj if not org_field else getattr(obj, org_field)


def get_scoped(
    scope: Scope,
    queryset: QuerySet,
    *,
    perm: Perm = Perm.VIEW,
    org_field: str = "org",
    **lookup,
) -> Any:
    """Fetch one object and authorise ``perm`` on its org.

    An object outside the scope answers "not found", exactly like one that does not exist,
    so an outsider learns nothing; one inside the scope without the permission answers 403.
    """
    obj = scope.filter(queryset, org_field).filter(**lookup).first()
    if obj is None:
        raise NotFoundError()
    scope.require(perm, org_of(obj, org_field))
    return obj


# A user's grants, kept per process (LOCAL_CACHE_SECONDS): every API call and page needs them.
_grants: LocalCache[tuple[Grant, ...]] = LocalCache("scope.grants")


def forget_grants(user_id: int | None = None) -> None:
    """After a role or an org changes: this process reads the grants again (of everyone
    when no user is given); other processes within LOCAL_CACHE_SECONDS."""
    _grants.forget(user_id)


def scope_for_user(user, *, acting_role_id: int | None = None, all_roles: bool = False) -> Scope:
    """The console acts through one role (the acting org); the API through all of them."""
    from gonghui.accounts.models import Role

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(user, ())

    def load() -> tuple[Grant, ...]:
        roles = Role.objects.filter(user=user, org__status="active").select_related("org")
        return tuple(
            Grant(r.pk, r.org_id, r.org.path, r.org.name, r.kind, r.hardship_access)
            for r in roles.order_by("org__path")
        )

    grants = _grants.get(user.pk, load)
    if not grants:
        return Scope(user, ())
    acting = next((g for g in grants if g.role_id == acting_role_id), grants[0])
    return Scope(user, grants if all_roles else (acting,), acting)


def system_scope(org: Org) -> Scope:
    """Full rights over one subtree with no user behind them: management commands run by
    the operator (``import_workers --org``). Their audit events carry no actor, via "cli"."""
    from django.contrib.auth.models import AnonymousUser

    from gonghui.core.permissions import RoleKind

    grant = Grant(0, org.pk, org.path, org.name, RoleKind.ADMIN)
    return Scope(AnonymousUser(), (grant,), grant)
