"""The relief API at /api/v1/care/: campaigns, hand-outs by a scanning client (a site's phone
app or a kiosk) and the figures. Thin: every rule is in the services and selectors."""

import uuid
from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gonghui.care import selectors, services
from gonghui.care.models import CampaignStatus
from gonghui.care.services.distributions import can_hand_out
from gonghui.core.api import (
    ConsoleSessionAuth,
    TokenAuth,
    responses,
    token_check_of,
    token_confirm,
)
from gonghui.core.errors import ForbiddenError, NotFoundError

router = Router(tags=["care"])


class CampaignOut(Schema):
    id: int
    name: str
    org: str = Field(description="Code of the organising union")
    status: CampaignStatus
    starts_on: date
    ends_on: date
    kit: str | None
    limit_group: str | None
    site_ids: list[int] = Field(description="Campaign sites (hand out at /sites/{id}/...)")


class HandOutIn(Schema):
    code: str = Field(max_length=600, description="A personal QR code, a resident ID or a phone")
    request_id: uuid.UUID = Field(
        description="Made by the client per scan; send the same one "
        "again when retrying so nothing is handed out twice"
    )


class HandOutOut(Schema):
    id: int
    created: bool = Field(description="False when this request id was already answered")
    worker: str = Field(description="The recipient's name")
    phone: str = Field(description="Masked")
    target: str
    site: str
    handed_at: datetime
    value_fen: int


class FigureLineOut(Schema):
    key: str
    label: str
    person_times: int
    people: int
    value_fen: int


class FiguresOut(Schema):
    as_of: datetime
    person_times: int
    people: int
    value_fen: int
    by_target: list[FigureLineOut]
    by_site: list[FigureLineOut]
    by_org: list[FigureLineOut]
    by_day: list[FigureLineOut]


class FiguresQuery(Schema):
    campaign: int | None = Field(None, ge=1, le=2**53, description="Only this campaign's hand-outs")


def _campaign(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "org": c.org.code,
        "status": c.status,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "kit": c.kit.name if c.kit_id else None,
        "limit_group": c.limit_group.name if c.limit_group_id else None,
        "site_ids": [row.pk for row in c.sites.all()],
    }


@router.get(
    "/campaigns",
    response=responses(200, list[CampaignOut], 401),
    summary="Campaigns you see (organised in your subtree or handing out there)",
)
def list_campaigns(request):
    rows = selectors.campaign_list(request.scope).prefetch_related("sites")[:200]
    return [_campaign(c) for c in rows]


@router.post(
    "/campaigns/{carecampaign_id}/sites/{campaignsite_id}/hand-outs",
    # the hot path: the token is checked in the recipient's query (see TokenAuth)
    auth=[TokenAuth(confirmed_by_view=True), ConsoleSessionAuth()],
    response={**responses(201, HandOutOut), 200: HandOutOut},
    summary="Hand out to the person scanned or typed (once; retries are safe)",
    description="201 for a new hand-out, 200 when the request id was answered before "
    "(the first answer again), 409 `already_received` naming when and where the earlier "
    "hand-out was, 404 `not_found` when nobody in the register matches.",
)
def hand_out(request, carecampaign_id: int, campaignsite_id: int, payload: HandOutIn):
    try:
        return _hand_out(request, carecampaign_id, campaignsite_id, payload)
    except Exception:
        token_confirm(request)  # a refusal, too, answers only a token still good
        raise


def _hand_out(request, carecampaign_id: int, campaignsite_id: int, payload: HandOutIn):
    scope = request.scope
    row = selectors.get_campaign_site_for(scope, carecampaign_id, campaignsite_id)
    if not can_hand_out(scope, row):
        raise ForbiddenError()
    if (check := token_check_of(request)) is not None:
        # the token's check rides on the recipient's query: one round trip for both
        worker, checked = services.find_recipient_beside(payload.code, check)
        token_confirm(request, checked)
    else:
        worker = services.find_recipient(payload.code, brief=True)
    if worker is None:
        raise NotFoundError(_("Nobody in the register matches; register the person on the spot."))
    result = services.distribution_hand_out(
        scope=scope, campaign_site=row, worker=worker, request_id=payload.request_id
    )
    d = result.distribution
    body = {
        "id": d.pk,
        "created": result.created,
        "worker": worker.name,
        "phone": worker.phone_masked,
        "target": d.target,
        "site": row.site.name,
        "handed_at": d.handed_at,
        "value_fen": d.value_fen,
    }
    return Status(201 if result.created else 200, body)


@router.get(
    "/figures",
    response=responses(200, FiguresOut, 401),
    summary="Person-times, people and value handed out, by group, site, union, day",
)
def figures(request, query: Query[FiguresQuery]):
    f = selectors.care_figures(request.scope, campaign_id=query.campaign)

    def lines(rows):
        return [
            {
                "key": x.key,
                "label": x.label,
                "person_times": x.person_times,
                "people": x.people,
                "value_fen": x.value_fen,
            }
            for x in rows
        ]

    return {
        "as_of": f.as_of,
        "person_times": f.person_times,
        "people": f.people,
        "value_fen": f.value_fen,
        "by_target": lines(f.by_target),
        "by_site": lines(f.by_site),
        "by_org": lines(f.by_org),
        "by_day": lines(f.by_day),
    }
