"""Reads of the org tree, always through a Scope."""

from django.db.models import Count, Q, QuerySet

from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope, get_scoped
from gonghui.orgs.models import Org, OrgMove


def org_search_q(q: str) -> Q:
    """Name, short name, code, full pinyin or initials: "longtan" and "ltjd" find 龙潭街道."""
    q = q.strip()
    key = q.lower().replace(" ", "")
    return (
        Q(name__icontains=q)
        | Q(short_name__icontains=q)
        | Q(code__iexact=q)
        | Q(name_pinyin__contains=key)
        | Q(name_initials__startswith=key)
    )


def org_list(
    scope: Scope, *, q: str = "", kind: str = "", status: str = "", parent_code: str = ""
) -> QuerySet[Org]:
    orgs = scope.orgs()
    if q.strip():
        orgs = orgs.filter(org_search_q(q))
    if kind:
        orgs = orgs.filter(kind=kind)
    if status:
        orgs = orgs.filter(status=status)
    if parent_code:
        parent = orgs.model.objects.filter(code=parent_code).first()
        orgs = (
            orgs.filter(path__startswith=parent.path, depth=parent.depth + 1)
            if parent
            else orgs.none()
        )
    return orgs.order_by("path")


def org_roots(scope: Scope) -> list[Org]:
    """Where a user's tree starts: the orgs their roles are held at (not nested in each other)."""
    paths = sorted({g.org_path for g in scope.grants})
    tops = [p for p in paths if not any(p != o and p.startswith(o) for o in paths)]
    return list(Org.objects.filter(path__in=tops).order_by("path"))


def org_children(scope: Scope, parent: Org) -> QuerySet[Org]:
    """The direct children of a visible org, sorted by pinyin, for the lazily expanded tree."""
    if not scope.covers(parent):
        return Org.objects.none()
    return Org.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by(
        "status", "name_pinyin"
    )


def get_org_for(
    scope: Scope, *, org_id: int | None = None, code: str | None = None, perm: Perm = Perm.VIEW
) -> Org:
    lookup = {"pk": org_id} if org_id is not None else {"code": code}
    return get_scoped(scope, Org.objects.all(), perm=perm, org_field="", **lookup)


def org_ancestors(scope: Scope, org: Org) -> list[Org]:
    """The breadcrumb above ``org`` as far up as the user can see."""
    return [a for a in Org.objects.get_ancestors(org) if scope.covers(a)]


def org_kind_counts(scope: Scope) -> dict[str, int]:
    # .order_by(): treebeard orders by path, which would otherwise split every group.
    rows = scope.orgs().filter(status="active").order_by().values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def org_move_history(scope: Scope, org: Org) -> QuerySet[OrgMove]:
    if not scope.covers(org):
        return OrgMove.objects.none()
    return OrgMove.objects.filter(org=org).select_related("from_parent", "to_parent", "moved_by")


def org_parent_codes(orgs: list[Org]) -> dict[int, str | None]:
    """{org id: parent code} for a page of orgs, in one query."""
    parent_paths = {o.path[: -Org.steplen] for o in orgs if o.depth > 1}
    codes = dict(Org.objects.filter(path__in=parent_paths).values_list("path", "code"))
    return {o.pk: codes.get(o.path[: -Org.steplen]) for o in orgs}
