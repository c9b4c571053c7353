import pytest
from django.conf import settings
from django.test import Client

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.core.testing import PASSWORD


def test_login_page_is_chinese_and_login_is_audited(world):
    client = Client()
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and 'lang="zh-hans"' in page.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "longtan_officer", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor=world.users["longtan_officer"]).exists()


def test_pages_need_a_login(db):
    response = Client().get("/orgs/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_repeated_failures_lock_the_account_even_for_the_right_password(world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": "longtan_officer", "password": "wrong"})
    refused = client.post("/accounts/login/", {"username": "longtan_officer", "password": PASSWORD})
    assert refused.status_code == 200
    assert "locked" in refused.content.decode() or "锁定" in refused.content.decode()
    assert User.objects.get(username="longtan_officer").is_locked
    assert AuditEvent.objects.filter(action="account.lock").exists()
    token = Client().post(
        "/api/v1/auth/token",
        {"username": "longtan_officer", "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 401 and token.json()["code"] == "account_locked"


def test_admin_reset_lifts_the_lock(world, login, settings):
    settings.LOGIN_MAX_FAILURES = 1
    Client().post("/accounts/login/", {"username": "longtan_officer", "password": "wrong"})
    admin = login("dongcheng_admin")
    admin.post(
        f"/accounts/staff/{world.users['longtan_officer'].pk}/",
        {"action": "reset", "password": "Fresh-pass-2026"},
    )
    assert Client().login(username="longtan_officer", password="Fresh-pass-2026")


def test_sessions_expire_when_idle_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_switching_the_acting_org_changes_what_the_console_shows(world, login):
    client = login("multi_role")
    assert "龙潭街道总工会" in client.get("/").content.decode()
    xjk_role = world.users["multi_role"].roles.get(org__code="bj-xc-xjk")
    client.post("/acting/", {"role_id": xjk_role.pk, "next": "/"})
    tree = client.get("/orgs/").content.decode()
    assert "新街口街道总工会" in tree and "龙潭街道总工会" not in tree.split("<main")[1]


def test_switching_to_a_role_one_does_not_hold_is_refused(world, login):
    client = login("longtan_officer")
    foreign = world.users["xinjiekou_officer"].roles.get()
    client.post("/acting/", {"role_id": foreign.pk, "next": "/"})
    assert "新街口" not in client.get("/orgs/").content.decode()


def test_password_change(world, login):
    client = login("longtan_officer")
    wrong = client.post(
        "/accounts/password/", {"old_password": "nope", "new_password": "New-pass-2026"}
    )
    assert wrong.status_code == 200
    client.post("/accounts/password/", {"old_password": PASSWORD, "new_password": "New-pass-2026"})
    assert Client().login(username="longtan_officer", password="New-pass-2026")


def test_admin_creates_an_account_from_the_console(world, login):
    admin = login("dongcheng_admin")
    response = admin.post(
        "/accounts/staff/new/",
        {
            "username": "lt_clerk",
            "display_name": "龙潭文员",
            "org_code": "bj-dc-lt",
            "role": "officer",
            "password": "Clerk-pass-2026",
        },
    )
    assert response.status_code == 302
    outside = admin.post(
        "/accounts/staff/new/",
        {
            "username": "xjk_clerk",
            "display_name": "越权",
            "org_code": "bj-xc-xjk",
            "role": "officer",
            "password": "Clerk-pass-2026",
        },
    )
    assert outside.status_code == 200 and not User.objects.filter(username="xjk_clerk").exists()


@pytest.mark.parametrize("path", ["/accounts/staff/", "/audit/", "/orgs/list/"])
def test_list_pages_run_a_fixed_number_of_queries(
    world, login, path, django_assert_max_num_queries
):
    client = login("city_admin")
    with django_assert_max_num_queries(15):
        assert client.get(path).status_code == 200
