"""The membership applications API: masked, scoped, the decisions, and the figures."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gonghui.accounts.services import token_create
from gonghui.members.models import MembershipApplication, Worker
from gonghui.members.tests.factories import WANG_ID, WANG_PHONE, an_id, apply

URL = "/api/v1/membership-applications/"


@pytest.fixture
def api(world):
    def client_for(username: str) -> Client:
        _row, token = token_create(user=world.users[username], name="test")
        return Client(headers={"authorization": f"Bearer {token}"})

    return client_for


def test_the_list_is_masked_and_scoped(world, api):
    app = apply(world)
    body = api("xinjiekou_officer").get(URL).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["id"], item["org"], item["phone"]) == (app.pk, "bj-xc-xjk", "139****5678")
    assert WANG_ID not in str(body) and WANG_PHONE not in str(body)
    assert api("longtan_officer").get(URL, {"view": "all"}).json()["count"] == 0
    assert api("longtan_officer").get(f"{URL}{app.pk}").status_code == 404


def test_the_list_runs_a_fixed_number_of_queries(world, api):
    client = api("xicheng_viewer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"view": "all"}).status_code == 200
        return len(captured)

    apply(world)
    queries()  # the first call also records when the token was last used
    few = queries()
    for n in range(2, 20):
        apply(world, id_number=an_id("19900101", f"{n:03d}"), phone=f"137000000{n:02d}")
    assert queries() == few <= 4  # token, roles, page, count


def test_accept_then_the_detail_shows_the_membership_number(world, api):
    app = apply(world)
    response = api("xinjiekou_officer").post(f"{URL}{app.pk}/accept", {},
                                             content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "accepted" and body["membership_number"] == "BJ-XC-XJK-000001"
    assert [e["kind"] for e in body["events"]] == ["submitted", "accepted"]
    again = api("xinjiekou_officer").post(f"{URL}{app.pk}/accept", {},
                                          content_type="application/json")  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert Worker.objects.count() == 1


def test_decline_without_a_reason_is_a_422_or_400_with_the_field(world, api):
    app = apply(world)
    client = api("xinjiekou_officer")
    response = client.post(f"{URL}{app.pk}/decline", {"reason": " "},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    assert MembershipApplication.objects.get(pk=app.pk).is_pending


def test_pass_on_by_code_within_reach(world, api):
    app = apply(world)
    client = api("xinjiekou_officer")
    far = client.post(f"{URL}{app.pk}/pass-on", {"to_org": "bj-dc-lt", "reason": "在龙潭"},
                      content_type="application/json")  # fmt: skip
    assert far.status_code == 400 and "to_org" in far.json()["fields"]
    up = client.post(f"{URL}{app.pk}/pass-on", {"to_org": "bj-xc", "reason": "不属本街道"},
                     content_type="application/json")  # fmt: skip
    assert up.status_code == 200 and up.json()["org"] == "bj-xc"


def test_a_viewer_cannot_decide(world, api):
    app = apply(world)
    response = api("xicheng_viewer").post(f"{URL}{app.pk}/accept", {},
                                          content_type="application/json")  # fmt: skip
    assert response.status_code == 403


def test_figures_by_union_and_form(world, api):
    apply(world)
    apply(world, place="bj-dc-lt", id_number=an_id("19900101", "001"), phone="13700000001")
    body = api("city_admin").get(f"{URL}figures").json()
    assert body["org"] == "bj" and body["total"]["applications"] == 2
    by_union = {line["org"]: line["applications"] for line in body["by_union"]}
    assert by_union["bj-xc"] == 1 and by_union["bj-dc"] == 1
    assert {line["employment_form"] for line in body["by_employment_form"]} >= {"rider"}
    assert api("longtan_officer").get(f"{URL}figures", {"org": "bj-xc"}).status_code == 404
