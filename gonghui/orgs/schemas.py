from datetime import datetime

from ninja import Field, Schema

from gonghui.orgs.models import OrgKind, OrgStatus


class OrgOut(Schema):
    code: str
    name: str
    short_name: str
    kind: OrgKind
    status: OrgStatus
    parent_code: str | None = None


class OrgDetailOut(OrgOut):
    credit_code: str
    address: str
    contact_person: str
    contact_phone: str
    children: int = Field(description="Number of direct child orgs")
    created_at: datetime
    updated_at: datetime


class OrgPage(Schema):
    items: list[OrgOut]
    count: int
    page: int
    page_size: int


class OrgDetailsIn(Schema):
    name: str | None = Field(None, max_length=100)
    short_name: str | None = Field(None, max_length=50)
    credit_code: str | None = Field(None, max_length=18)
    address: str | None = Field(None, max_length=200)
    contact_person: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)


class OrgCreateIn(OrgDetailsIn):
    parent_code: str = Field(max_length=32)
    code: str = Field(max_length=32)
    name: str = Field(max_length=100)
    kind: OrgKind


class OrgMoveIn(Schema):
    new_parent_code: str = Field(max_length=32)
    reason: str = Field("", max_length=200)
