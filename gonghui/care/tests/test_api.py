"""The scan API, the hot path of a campaign: few queries, and the per-process caches it reads
from never let a closed campaign or a revoked token through."""

import uuid
from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.accounts.models import ApiToken, User
from gonghui.accounts.services import token_create
from gonghui.care.models import CareCampaign, Distribution, StockMovement
from gonghui.care.tests.factories import make_care
from gonghui.core.models import AuditEvent
from gonghui.members.tests.factories import ZHANG_PHONE, add_worker, add_zhang

# token and recipient (one query), BEGIN, hand-out, stock and its ledger row (two statements
# on SQLite), audit, COMMIT
SCAN_QUERIES = 7
# on PostgreSQL a kit is handed out by one statement (tests add the savepoint around it)
PG_SCAN_QUERIES = 4


def _scanner(world):
    _row, token = token_create(user=world.users["longtan_officer"], name="scanner")
    return Client(headers={"authorization": f"Bearer {token}"})


def _scan(client, care, phone: str, *, site: int = 0, request_id=None):
    row = care.campaign_sites[site]
    url = f"/api/v1/care/campaigns/{care.campaign.pk}/sites/{row.pk}/hand-outs"
    body = {"code": phone, "request_id": str(request_id or uuid.uuid4())}
    return client.post(url, body, content_type="application/json")


def _same(answer: dict, expected: dict) -> bool:
    """Equal, the time compared as an instant (the first answer gives it in China time)."""
    when = datetime.fromisoformat
    return when(answer.pop("handed_at")) == when(expected.pop("handed_at")) and answer == expected


def test_a_scan_a_retry_and_a_repeat_keep_their_query_counts(world):
    # given: an open campaign, two workers, a scanner that has scanned once (caches warm)
    care, client = make_care(world, kits=5), _scanner(world)
    add_zhang(world)
    add_worker(world, "bj-dc-lt", "李四", phone="13900001111")
    assert _scan(client, care, "13900001111").status_code == 201
    request_id = uuid.uuid4()
    # when / then: a new hand-out, its retry and a repeat, each in a few queries
    with CaptureQueriesContext(connection) as queries:
        first = _scan(client, care, ZHANG_PHONE, request_id=request_id)
    assert first.status_code == 201 and len(queries) <= SCAN_QUERIES, len(queries)
    with CaptureQueriesContext(connection) as queries:
        again = _scan(client, care, ZHANG_PHONE, request_id=request_id)
    assert again.status_code == 200 and _same(again.json(), {**first.json(), "created": False})
    assert len(queries) <= SCAN_QUERIES
    with CaptureQueriesContext(connection) as queries:
        repeat = _scan(client, care, ZHANG_PHONE)
    assert repeat.status_code == 409 and repeat.json()["code"] == "already_received"
    assert "发放点1" in repeat.json()["message"] and len(queries) <= SCAN_QUERIES
    # and: two hand-outs, two kits gone, each with its ledger row and audit event
    assert Distribution.objects.count() == 2
    assert StockMovement.objects.filter(kind="hand_out").count() == 2
    assert AuditEvent.objects.filter(action="care.hand_out").count() == 2


@pytest.mark.postgres
def test_on_postgresql_a_kit_scan_is_two_round_trips(world):
    # given: an open campaign handing out kits, a scanner that has scanned once (caches warm)
    care, client = make_care(world, kits=5), _scanner(world)
    add_zhang(world)
    add_worker(world, "bj-dc-lt", "李四", phone="13900001111")
    assert _scan(client, care, "13900001111").status_code == 201
    # when
    with CaptureQueriesContext(connection) as queries:
        answer = _scan(client, care, ZHANG_PHONE)
    # then: the token with the recipient, then the hand-out with its stock, ledger and audit
    assert answer.status_code == 201 and len(queries) <= PG_SCAN_QUERIES, len(queries)
    assert StockMovement.objects.filter(kind="hand_out").count() == 2
    event = AuditEvent.objects.filter(action="care.hand_out").latest("id")
    assert event.object_id == str(answer.json()["id"]) and event.changes["target"] == "rider"


def test_a_campaign_closed_by_another_server_stops_scans_at_once(world):
    # given: this process has the campaign cached as open
    care, client = make_care(world, kits=5), _scanner(world)
    add_zhang(world)
    add_worker(world, "bj-dc-lt", "李四", phone="13900001111")
    assert _scan(client, care, "13900001111").status_code == 201
    # when: another app server closes it (nothing here is told)
    CareCampaign.objects.filter(pk=care.campaign.pk).update(status="closed")
    answer = _scan(client, care, ZHANG_PHONE)
    # then: refused, nothing written
    assert answer.status_code == 400 and answer.json()["code"] == "campaign_closed"
    assert Distribution.objects.count() == 1
    assert StockMovement.objects.filter(kind="hand_out").count() == 1


def test_a_token_revoked_or_an_account_disabled_elsewhere_stops_at_once(world):
    care, client = make_care(world, kits=5), _scanner(world)
    add_zhang(world)
    assert _scan(client, care, "13900001111").status_code == 404  # nobody: but signed in
    ApiToken.objects.update(revoked_at=timezone.now())
    assert _scan(client, care, ZHANG_PHONE).status_code == 401
    ApiToken.objects.update(revoked_at=None)
    User.objects.filter(username="longtan_officer").update(is_active=False)
    assert _scan(client, care, ZHANG_PHONE).status_code == 401
    assert Distribution.objects.count() == 0
