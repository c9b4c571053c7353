from ninja import Field, Query, Router, Schema, Status

from gonghui.core.api import responses
from gonghui.core.permissions import Perm
from gonghui.orgs import selectors, services
from gonghui.orgs.models import Org, OrgKind, OrgStatus
from gonghui.orgs.schemas import OrgCreateIn, OrgDetailOut, OrgDetailsIn, OrgMoveIn, OrgPage

router = Router(tags=["orgs"])

LIST_FIELDS = ("code", "name", "short_name", "kind", "status")
DETAIL_FIELDS = LIST_FIELDS + (
    "credit_code",
    "address",
    "contact_person",
    "contact_phone",
    "created_at",
    "updated_at",
)


class OrgFilter(Schema):
    q: str = Field("", description="Name, short name, code, pinyin or pinyin initials")
    kind: OrgKind | None = None
    status: OrgStatus | None = None
    parent: str = Field("", description="Only the direct children of this org code")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


def _detail(org: Org) -> dict:
    parent_code = selectors.org_parent_codes([org])[org.pk]
    return {
        **{f: getattr(org, f) for f in DETAIL_FIELDS},
        "parent_code": parent_code,
        "children": org.numchild,
    }


@router.get("/", response=responses(200, OrgPage, 401), summary="List the orgs you may see")
def list_orgs(request, filters: Query[OrgFilter]):
    orgs = selectors.org_list(
        request.scope,
        q=filters.q,
        kind=filters.kind or "",
        status=filters.status or "",
        parent_code=filters.parent,
    )
    start = (filters.page - 1) * filters.page_size
    rows = list(orgs[start : start + filters.page_size])
    parents = selectors.org_parent_codes(rows)
    items = [
        {**{f: getattr(o, f) for f in LIST_FIELDS}, "parent_code": parents[o.pk]} for o in rows
    ]
    return {
        "items": items,
        "count": orgs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.get("/{code}", response=responses(200, OrgDetailOut, 404), summary="One org")
def get_org(request, code: str):
    return _detail(selectors.get_org_for(request.scope, code=code))


@router.post("/", response=responses(201, OrgDetailOut), summary="Create an org under a parent")
def create_org(request, payload: OrgCreateIn):
    parent = selectors.get_org_for(request.scope, code=payload.parent_code, perm=Perm.MANAGE_ORGS)
    fields = payload.dict(exclude={"parent_code"}, exclude_none=True)
    org = services.org_create(scope=request.scope, parent=parent, **fields)
    return Status(201, _detail(org))


@router.patch("/{code}", response=responses(200, OrgDetailOut), summary="Change an org's details")
def update_org(request, code: str, payload: OrgDetailsIn):
    org = selectors.get_org_for(request.scope, code=code, perm=Perm.MANAGE_ORGS)
    org = services.org_update(scope=request.scope, org=org, **payload.dict(exclude_none=True))
    return _detail(org)


@router.post("/{code}/move", response=responses(200, OrgDetailOut), summary="Move a subtree")
def move_org(request, code: str, payload: OrgMoveIn):
    scope = request.scope
    org = selectors.get_org_for(scope, code=code, perm=Perm.MANAGE_ORGS)
    target = selectors.get_org_for(scope, code=payload.new_parent_code, perm=Perm.MANAGE_ORGS)
    org = services.org_move(scope=scope, org=org, new_parent=target, reason=payload.reason)
    return _detail(org)


@router.post("/{code}/archive", response=responses(200, OrgDetailOut), summary="Archive an org")
def archive_org(request, code: str):
    org = selectors.get_org_for(request.scope, code=code, perm=Perm.MANAGE_ORGS)
    return _detail(services.org_archive(scope=request.scope, org=org))


@router.post("/{code}/restore", response=responses(200, OrgDetailOut), summary="Restore an org")
def restore_org(request, code: str):
    org = selectors.get_org_for(request.scope, code=code, perm=Perm.MANAGE_ORGS)
    return _detail(services.org_restore(scope=request.scope, org=org))
