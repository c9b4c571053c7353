from django.test import Client

from gonghui.core.testing import PASSWORD


def _token(username: str, password: str = PASSWORD):
    return Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "name": "对接系统"},
        content_type="application/json",
    )


def test_token_lifecycle_issue_list_use_revoke(world):
    issued = _token("longtan_officer")
    assert issued.status_code == 201
    token = issued.json()["token"]
    client = Client(headers={"authorization": f"Bearer {token}"})
    me = client.get("/api/v1/auth/me").json()
    assert me["roles"] == [
        {"org_code": "bj-dc-lt", "org_name": "龙潭街道总工会", "role": "officer"}
    ]
    listed = client.get("/api/v1/auth/tokens").json()
    assert [t["name"] for t in listed] == ["对接系统"] and "token" not in listed[0]
    revoked = client.delete(f"/api/v1/auth/tokens/{listed[0]['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/api/v1/orgs/").status_code == 401


def test_wrong_password_gets_no_token(world):
    response = _token("longtan_officer", "wrong")
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"


def test_a_token_cannot_revoke_someone_elses(world):
    mine = Client(headers={"authorization": f"Bearer {_token('longtan_officer').json()['token']}"})
    theirs = _token("xinjiekou_officer").json()["id"]
    assert mine.delete(f"/api/v1/auth/tokens/{theirs}").status_code == 404
