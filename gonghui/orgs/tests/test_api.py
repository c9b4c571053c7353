import pytest
from django.test import Client

from gonghui.accounts.services import token_create
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Org


@pytest.fixture
def api(world):
    def _client(username: str) -> Client:
        _row, token = token_create(user=world.users[username], name="test")
        return Client(headers={"authorization": f"Bearer {token}"}, REMOTE_ADDR="10.1.2.3")

    return _client


def test_list_shows_only_the_callers_subtree_with_parent_codes(api):
    response = api("dongcheng_admin").get("/api/v1/orgs/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {(o["code"], o["parent_code"]) for o in body["items"]} == {
        ("bj-dc", "bj"),
        ("bj-dc-lt", "bj-dc"),
        ("bj-dc-lt-sy", "bj-dc-lt"),
    }


def test_list_pages_and_searches(api):
    client = api("city_admin")
    first = client.get("/api/v1/orgs/", {"page_size": 3}).json()
    second = client.get("/api/v1/orgs/", {"page_size": 3, "page": 2}).json()
    assert first["count"] == second["count"] == 9
    assert not {o["code"] for o in first["items"]} & {o["code"] for o in second["items"]}
    found = client.get("/api/v1/orgs/", {"q": "gbd"}).json()["items"]
    assert [o["name"] for o in found] == ["高碑店地区总工会"]
    children = client.get("/api/v1/orgs/", {"parent": "bj"}).json()["items"]
    assert {o["code"] for o in children} == {"bj-dc", "bj-xc", "bj-cy"}


def test_list_query_count_does_not_grow_with_the_page(api, django_assert_max_num_queries):
    client = api("city_admin")
    with django_assert_max_num_queries(8):
        client.get("/api/v1/orgs/", {"page_size": 100})


def test_create_is_audited_with_the_callers_ip_and_channel(api):
    response = api("dongcheng_admin").post(
        "/api/v1/orgs/",
        {
            "parent_code": "bj-dc-lt",
            "code": "bj-dc-lt-x",
            "name": "光明楼社区工会",
            "kind": "community",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["parent_code"] == "bj-dc-lt"
    event = AuditEvent.objects.get(
        action="org.create", object_id=str(Org.objects.get(code="bj-dc-lt-x").pk)
    )
    assert (event.actor_username, event.ip, event.via) == ("dongcheng_admin", "10.1.2.3", "api")


def test_errors_have_code_message_and_fields(api):
    client = api("dongcheng_admin")
    bad = client.post(
        "/api/v1/orgs/",
        {"parent_code": "bj-dc-lt", "code": "x y", "name": "甲", "kind": "community"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and "code" in bad.json()["fields"]
    missing = client.post("/api/v1/orgs/", {"code": "abc"}, content_type="application/json")
    assert missing.status_code == 422 and "parent_code" in missing.json()["fields"]
    hidden = client.get("/api/v1/orgs/bj-xc-xjk")
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    anonymous = Client().get("/api/v1/orgs/")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"


def test_move_and_archive_through_the_api(api, world):
    client = api("city_admin")
    moved = client.post(
        "/api/v1/orgs/bj-dc-lt/move",
        {"new_parent_code": "bj-xc", "reason": "调整"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["parent_code"] == "bj-xc"
    refused = client.post("/api/v1/orgs/bj-xc/archive")
    assert refused.status_code == 400  # it still has active unions below it
    assert client.post("/api/v1/orgs/bj-cy-gbd/archive").json()["status"] == "archived"
