from datetime import datetime

from ninja import Field, Schema


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=200)
    name: str = Field("", max_length=100, description="What the token is for")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The bearer token. Shown only this once.")


class RoleOut(Schema):
    org_code: str
    org_name: str
    role: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[RoleOut]
