"""The workers API at /api/v1/workers/: the register (masked), its writes, and spreadsheet
imports (upload, poll, commit). Thin: every rule is in the services and selectors."""

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.core.api import responses
from gonghui.core.errors import ApplicationError, NotFoundError
from gonghui.core.imports.selectors import get_import_for, import_issue_count, import_issues
from gonghui.core.imports.services import import_commit, import_start
from gonghui.core.models import ImportJob
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope
from gonghui.members import selectors, services
from gonghui.members.imports import WorkerImport
from gonghui.members.models import EmploymentForm, MembershipStatus, Worker
from gonghui.members.schemas import (
    ImportCommitIn,
    ImportJobOut,
    TransferIn,
    WorkerCreateIn,
    WorkerDetailOut,
    WorkerPage,
    WorkerPatchIn,
)
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import get_org_for

router = Router(tags=["workers"])

KIND = WorkerImport.kind
API_ERRORS = 1000
COUNT_KEYS = ("valid", "rejected", "created", "updated", "skipped")


class WorkerFilter(Schema):
    q: str = Field(
        "",
        max_length=50,
        description="Name, pinyin or initials, last 4 phone digits, a whole phone or ID",
    )
    org: str = Field("", description="A union's code: that union and the unions below it")
    employment_form: EmploymentForm | None = None
    gig: bool = Field(False, description="Only gig workers (new forms of employment)")
    membership_status: MembershipStatus | None = None
    group: str = Field("", description="A group's code")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


def _org(scope: Scope, code: str, field: str) -> Org:
    """A union the user may write to, named by code in the request body."""
    try:
        return get_org_for(scope, code=code, perm=Perm.EDIT)
    except NotFoundError:
        raise ApplicationError(
            _("No union with this code within your organisation."),
            fields={field: [_("Unknown union.")]},
        ) from None


def _worker(worker: Worker) -> dict:
    return {
        "id": worker.pk,
        "name": worker.name,
        "gender": worker.gender,
        "birth_date": worker.birth_date,
        "id_number": worker.id_number_masked,
        "phone": worker.phone_masked,
        "org": worker.org.code,
        "org_name": worker.org.name,
        "employer": worker.employer.name if worker.employer_id else "",
        "employment_form": worker.employment_form,
        "gig": worker.is_gig,
        "membership_status": worker.membership_status,
        "joined_on": worker.joined_on,
    }


def _detail(scope: Scope, worker: Worker) -> dict:
    transfers = [
        {
            "from_org": t.from_org.code,
            "from_org_name": t.from_org.name,
            "to_org": t.to_org.code,
            "to_org_name": t.to_org.name,
            "reason": t.reason,
            "transferred_at": t.transferred_at,
        }
        for t in selectors.worker_transfers(scope, worker)
    ]
    return {
        **_worker(worker),
        "groups": sorted(worker.groups.values_list("code", flat=True)),
        "left_on": worker.left_on,
        "left_reason": worker.left_reason,
        "transfers": transfers,
        "created_at": worker.created_at,
        "updated_at": worker.updated_at,
    }


def _job(job: ImportJob) -> dict:
    counts = job.counts or {}
    issues = import_issues(job, limit=API_ERRORS)
    total = import_issue_count(job) if len(issues) == API_ERRORS else len(issues)
    return {
        "id": job.pk,
        "state": job.state,
        "progress": job.progress,
        "counts": {key: counts.get(key, 0) for key in COUNT_KEYS},
        "errors": [{"row": i.row, "column": i.column, "reason": i.reason} for i in issues],
        "errors_total": total,
        "already_registered": counts.get("existing", 0),
        "message": job.message,
        "file_name": job.file_name,
        "org": job.org.code,
        "created_at": job.created_at,
    }


# Imports first: their paths would otherwise be read as a worker id.


@router.post(
    "/imports",
    response=responses(201, ImportJobOut),
    summary="Upload a spreadsheet of workers; every row is checked (a dry run)",
)
def start_import(request, file: File[UploadedFile], org: Form[str]):
    scope = request.scope
    target = _org(scope, org, "org")
    job = import_start(scope=scope, kind=KIND, org=target, upload=file, file_name=file.name or "")
    job.refresh_from_db()
    return Status(201, _job(job))


@router.get(
    "/imports/{importjob_id}",
    response=responses(200, ImportJobOut, 404),
    summary="An import's state, progress, counts and errors (poll while it runs)",
)
def get_import(request, importjob_id: int):
    return _job(get_import_for(request.scope, importjob_id, kind=KIND))


@router.post(
    "/imports/{importjob_id}/commit",
    response=responses(202, ImportJobOut),
    summary="Import the checked rows into the register (all, or only the good ones)",
)
def commit_import(request, importjob_id: int, payload: ImportCommitIn):
    scope = request.scope
    job = get_import_for(scope, importjob_id, perm=Perm.EDIT, kind=KIND)
    import_commit(scope=scope, job=job, only_good=payload.only_good, existing=payload.existing)
    job.refresh_from_db()
    return Status(202, _job(job))


@router.get("/", response=responses(200, WorkerPage, 401), summary="List the workers you may see")
def list_workers(request, filters: Query[WorkerFilter]):
    scope = request.scope
    org_id = None
    if filters.org:
        org_id = scope.orgs().filter(code=filters.org).values_list("pk", flat=True).first()
    workers = selectors.worker_list(
        scope,
        q=filters.q,
        org_id=org_id,
        employment_form=filters.employment_form or "",
        gig=filters.gig,
        membership_status=filters.membership_status or "",
        group=filters.group,
    )
    if filters.org and org_id is None:
        workers = workers.none()  # a union outside the scope has no workers to show
    start = (filters.page - 1) * filters.page_size
    items = [_worker(w) for w in workers[start : start + filters.page_size]]
    return {
        "items": items,
        "count": workers.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.get("/{worker_id}", response=responses(200, WorkerDetailOut, 404), summary="One worker")
def get_worker(request, worker_id: int):
    return _detail(request.scope, selectors.get_worker_for(request.scope, worker_id))


@router.post("/", response=responses(201, WorkerDetailOut), summary="Add a worker")
def create_worker(request, payload: WorkerCreateIn):
    scope = request.scope
    org = _org(scope, payload.org, "org")
    fields = payload.dict(exclude={"org", "employer"})
    worker = services.worker_create(scope=scope, org=org, employer_name=payload.employer, **fields)
    return Status(201, _detail(scope, worker))


@router.patch("/{worker_id}", response=responses(200, WorkerDetailOut), summary="Edit a worker")
def update_worker(request, worker_id: int, payload: WorkerPatchIn):
    scope = request.scope
    worker = selectors.get_worker_for(scope, worker_id, perm=Perm.EDIT)
    fields = payload.dict(exclude_unset=True)
    if "employer" in fields:
        fields["employer_name"] = fields.pop("employer")
    worker = services.worker_update(scope=scope, worker=worker, **fields)
    return _detail(scope, worker)


@router.post(
    "/{worker_id}/transfer",
    response=responses(200, WorkerDetailOut),
    summary="Transfer a worker to another union (会员组织关系转接)",
)
def transfer_worker(request, worker_id: int, payload: TransferIn):
    scope = request.scope
    worker = selectors.get_worker_for(scope, worker_id, perm=Perm.EDIT)
    to_org = _org(scope, payload.to_org, "to_org")
    worker = services.worker_transfer(
        scope=scope, worker=worker, to_org=to_org, reason=payload.reason
    )
    return _detail(scope, worker)
