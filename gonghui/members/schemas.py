"""JSON shapes of the workers API. Resident ID and phone always leave masked."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from gonghui.core.models import ImportState
from gonghui.members.models import (
    ApplicationStatus,
    EmploymentForm,
    EventKind,
    Industry,
    MembershipStatus,
    RouteKind,
)

GenderIn = Literal["M", "F", ""]


class WorkerOut(Schema):
    id: int
    name: str
    gender: str = Field(description="M, F, or empty when unknown")
    birth_date: date | None
    id_number: str = Field(description="Masked: 110101********123X")
    phone: str = Field(description="Masked: 138****5678")
    org: str = Field(description="Code of the worker's union")
    org_name: str
    employer: str
    employment_form: EmploymentForm
    gig: bool = Field(description="A new form of employment (platform or gig work)")
    membership_status: MembershipStatus
    joined_on: date | None


class TransferOut(Schema):
    from_org: str = Field(description="Code of the union the worker left")
    from_org_name: str
    to_org: str
    to_org_name: str
    reason: str
    transferred_at: datetime


class WorkerDetailOut(WorkerOut):
    groups: list[str] = Field(description="Codes of the worker's groups")
    left_on: date | None
    left_reason: str
    transfers: list[TransferOut]
    created_at: datetime
    updated_at: datetime


class WorkerPage(Schema):
    items: list[WorkerOut]
    count: int
    page: int
    page_size: int


class WorkerPatchIn(Schema):
    """Only the fields sent change; an empty or null ID or phone removes it."""

    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=30)
    phone: str | None = Field(None, max_length=20)
    employer: str | None = Field(None, max_length=100, description="Employer name")
    employment_form: EmploymentForm | None = None
    gender: GenderIn | None = None
    birth_date: date | None = None
    groups: list[str] | None = Field(None, description="Group codes; replaces the groups")


class WorkerCreateIn(Schema):
    org: str = Field(max_length=32, description="Code of the union whose register it is")
    name: str = Field(max_length=50)
    id_number: str = Field("", max_length=30)
    phone: str = Field("", max_length=20)
    employer: str = Field("", max_length=100, description="Employer name")
    employment_form: EmploymentForm = EmploymentForm.EMPLOYEE
    gender: GenderIn = ""
    birth_date: date | None = None
    groups: list[str] = Field(default_factory=list, description="Group codes")
    joined_on: date | None = Field(None, description="Set for a union member")


class TransferIn(Schema):
    to_org: str = Field(max_length=32, description="Code of the union to move the worker to")
    reason: str = Field("", max_length=200)


class ImportCountsOut(Schema):
    valid: int = Field(0, description="Rows that passed every check")
    rejected: int = Field(0, description="Rows with at least one error")
    created: int = Field(0, description="Workers added by the commit")
    updated: int = Field(0, description="Workers already registered, updated by the commit")
    skipped: int = Field(0, description="Good rows the commit left out")


class ImportErrorOut(Schema):
    row: int = Field(description="The row number in the spreadsheet, as Excel shows it")
    column: str
    reason: str


class ImportJobOut(Schema):
    id: int
    state: ImportState
    progress: float = Field(description="0 to 1 for the current step (checking or importing)")
    counts: ImportCountsOut
    errors: list[ImportErrorOut] = Field(description="The first 1,000 errors, in row order")
    errors_total: int
    already_registered: int = Field(description="Good rows whose person is in the register")
    message: str = Field(description="Why the import failed, when it did")
    file_name: str
    org: str = Field(description="Code of the union imported into")
    created_at: datetime


class ImportCommitIn(Schema):
    only_good: bool = Field(False, description="Import the good rows even if some are rejected")
    existing: Literal["update", "skip"] = Field(
        "update", description="People already in the register: update them or skip them"
    )


# Membership applications (网上入会)


class ApplicationEventOut(Schema):
    kind: EventKind
    from_org: str | None = Field(description="Code of the union it came from (pass-on)")
    to_org: str | None = Field(description="Code of the union it went to or reached")
    level: int = Field(description="For an escalation: how many levels above the handler")
    reason: str
    at: datetime


class ApplicationOut(Schema):
    id: int
    name: str
    id_number: str = Field(description="Masked: 110101********123X")
    phone: str = Field(description="Masked: 138****5678")
    employment_form: EmploymentForm
    employer: str = Field(description="The employer as the applicant gave it")
    industry: Industry
    work_place: str = Field(description="Code of the district or street of the place of work")
    not_notify_employer: bool = Field(description="The employer is not to be told")
    org: str = Field(description="Code of the union handling the application")
    org_name: str
    status: ApplicationStatus
    route: RouteKind
    submitted_at: datetime
    due_on: date = Field(description="To be decided by this day (working days counted)")
    overdue: bool
    decided_on: date | None
    decline_reason: str


class ApplicationDetailOut(ApplicationOut):
    escalation_level: int = Field(description="0, or how many levels up it has been escalated")
    escalated_to: str | None = Field(description="Code of the union it has reached")
    membership_number: str | None
    events: list[ApplicationEventOut]


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    count: int
    page: int
    page_size: int


class AcceptIn(Schema):
    decided_on: date | None = Field(None, description="Member from this day; default today")


class DeclineIn(Schema):
    reason: str = Field(max_length=200, description="The applicant reads it")
    decided_on: date | None = None


class PassOnIn(Schema):
    to_org: str = Field(max_length=32, description="Code of the union to pass it on to")
    reason: str = Field(max_length=200)


class ApplicationFigureLineOut(Schema):
    label: str
    org: str | None = Field(description="Code of the union (its subtree rolled up)")
    employment_form: EmploymentForm | None
    applications: int
    pending: int
    overdue: int
    accepted: int
    declined: int
    median_days_to_decision: float | None = Field(description="In working days")


class ApplicationFiguresOut(Schema):
    org: str
    as_of: datetime
    by_union: list[ApplicationFigureLineOut]
    by_employment_form: list[ApplicationFigureLineOut]
    total: ApplicationFigureLineOut
