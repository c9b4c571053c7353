"""The staff's side of joining online: the inbox, one application, decisions and pass-on,
figures, rules and time limits; who sees what."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.accounts.models import Role, User
from gonghui.core.models import AuditEvent
from gonghui.core.permissions import RoleKind
from gonghui.core.testing import PASSWORD
from gonghui.members.models import MembershipApplication, RoutingRule, Worker
from gonghui.members.tests.factories import WANG_ID, WANG_PHONE, an_id, apply, employer_with_union

MONDAY = datetime(2026, 9, 14, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def employer_union_officer(world):
    """An officer of 新街口快递物流联合工会, the union of the employer 顺丰."""
    user = User.objects.create_user(username="kd_officer", password=PASSWORD)
    Role.objects.create(user=user, org=world.org("bj-xc-xjk-kd"), kind=RoleKind.OFFICER)
    return user


def test_the_inbox_lists_what_the_union_must_handle_with_its_deadline(world, login):
    app = apply(world)
    page = text(login("xinjiekou_officer").get("/workers/applications/"))
    assert "王小明" in page and app.due_on.strftime("%Y-%m-%d") in page
    assert WANG_PHONE not in page and WANG_ID not in page


def test_a_sibling_union_sees_nothing_of_it(world, login):
    app = apply(world)
    client = login("longtan_officer")
    assert "王小明" not in text(client.get("/workers/applications/", {"view": "all"}))
    assert client.get(f"/workers/applications/{app.pk}/").status_code == 404
    assert client.post(f"/workers/applications/{app.pk}/accept/").status_code == 404
    assert MembershipApplication.objects.get(pk=app.pk).is_pending


def test_an_area_union_sees_what_was_routed_to_it_or_below_it_only(world, login):
    # given: one application routed to 新街口's joint union (below it), one to 龙潭
    employer_with_union(world)
    below = apply(world, employer_name="顺丰速运有限公司", industry="express")
    other = apply(world, place="bj-dc-lt", id_number=an_id("19900101", "001"),
                  phone="13700000001")  # fmt: skip
    # when / then: 新街口 sees the one below it and not 龙潭's
    page = text(login("xinjiekou_officer").get("/workers/applications/", {"view": "all"}))
    assert below.org.code == "bj-xc-xjk-kd" and f"/workers/applications/{below.pk}/" in page
    assert f"/workers/applications/{other.pk}/" not in page
    # and its "to handle" view holds only what is its own (the joint union handles its own)
    todo = text(login("xinjiekou_officer").get("/workers/applications/"))
    assert "王小明" not in todo


def test_the_employers_union_never_sees_an_applicant_who_asked_so(
    world, employer_union_officer, django_capture_on_commit_callbacks
):
    # given: a courier of 顺丰 (whose union is 新街口快递物流联合工会) asks that 顺丰 not be told
    employer_with_union(world)
    app = apply(world, employer_name="顺丰速运有限公司", industry="express",
                not_notify_employer=True)  # fmt: skip
    from django.test import Client

    client = Client()
    client.login(username="kd_officer", password=PASSWORD)
    # then: nothing of it in the employer union's inbox, detail, export, dashboard, audit log
    for view in ("todo", "pending", "all"):
        assert "王小明" not in text(client.get("/workers/applications/", {"view": view}))
    assert client.get(f"/workers/applications/{app.pk}/").status_code == 404
    export = client.get("/workers/applications/export.xlsx", {"view": "all"})
    assert b"".join(export.streaming_content).count(b"<row") <= 1  # the header alone
    assert "王小明" not in text(client.get("/"))
    from gonghui.core.scope import scope_for_user
    from gonghui.members.figures import application_counts

    assert application_counts(scope_for_user(employer_union_officer)).applications == 0
    seen = AuditEvent.objects.filter(org=world.org("bj-xc-xjk-kd"), object_id=str(app.pk),
                                     object_type="members.membershipapplication")  # fmt: skip
    assert not seen.exists()
    assert not Worker.objects.exists()
    # nor through the API
    from gonghui.accounts.services import token_create

    _row, token = token_create(user=employer_union_officer, name="t")
    api = Client(headers={"authorization": f"Bearer {token}"})
    assert api.get("/api/v1/membership-applications/", {"view": "all"}).json()["count"] == 0
    assert api.get(f"/api/v1/membership-applications/{app.pk}").status_code == 404
    # and when 新街口 accepts, the member is in 新街口's register, not the employer union's
    with django_capture_on_commit_callbacks(execute=True):
        response = Client()
        response.login(username="xinjiekou_officer", password=PASSWORD)
        response.post(f"/workers/applications/{app.pk}/accept/", {})
    assert Worker.objects.get().org.code == "bj-xc-xjk"


def test_accepting_in_the_console(world, login):
    app = apply(world)
    client = login("xinjiekou_officer")
    assert 'name="decided_on"' in text(client.get(f"/workers/applications/{app.pk}/accept/"))
    response = client.post(f"/workers/applications/{app.pk}/accept/", {"decided_on": ""})
    assert response.status_code == 302
    worker = Worker.objects.get()
    page = text(client.get(f"/workers/applications/{app.pk}/"))
    assert worker.membership_number in page and f"/workers/{worker.pk}/" in page


def test_declining_needs_a_reason(world, login):
    app = apply(world)
    client = login("xinjiekou_officer")
    page = text(client.post(f"/workers/applications/{app.pk}/decline/", {"reason": ""}))
    assert "has-error" in page and MembershipApplication.objects.get(pk=app.pk).is_pending
    client.post(f"/workers/applications/{app.pk}/decline/", {"reason": "不在本街道工作"})
    assert MembershipApplication.objects.get(pk=app.pk).decline_reason == "不在本街道工作"


def test_passing_on_offers_the_subtree_and_the_unions_above_only(world, login):
    app = apply(world)
    client = login("xinjiekou_officer")
    page = text(client.get(f"/workers/applications/{app.pk}/pass-on/"))
    assert "新街口快递物流联合工会" in page and "西城区总工会" in page and "北京市总工会" in page
    assert "龙潭" not in page
    target = world.orgs["bj-dc-lt"].pk
    client.post(f"/workers/applications/{app.pk}/pass-on/", {"to_org": target, "reason": "x"})
    assert MembershipApplication.objects.get(pk=app.pk).org.code == "bj-xc-xjk"
    up = {"to_org": world.orgs["bj-xc"].pk, "reason": "工作地在德胜街道"}
    response = client.post(f"/workers/applications/{app.pk}/pass-on/", up)
    assert response.status_code == 302 and response.url == "/workers/applications/"
    assert MembershipApplication.objects.get(pk=app.pk).org.code == "bj-xc"


def test_an_admin_reveals_the_phone_to_call_back_and_it_is_audited(world, login):
    app = apply(world)
    officer = login("xinjiekou_officer")
    assert officer.post(f"/workers/applications/{app.pk}/reveal/", {"field": "phone"}
                        ).status_code == 403  # fmt: skip
    admin = login("xinjiekou_admin")
    page = text(admin.post(f"/workers/applications/{app.pk}/reveal/", {"field": "phone"}))
    assert WANG_PHONE in page
    assert AuditEvent.objects.filter(action="membership_application.reveal").count() == 1


def test_the_inbox_runs_a_fixed_number_of_queries(world, login):
    client = login("xicheng_viewer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            text(client.get("/workers/applications/", {"view": "all"}))
        return len(captured)

    queries()  # the first request reads the user's roles into the per-process cache
    apply(world)
    few = queries()
    for n in range(2, 25):
        apply(world, id_number=an_id("19900101", f"{n:03d}"), phone=f"137000000{n:02d}")
    assert queries() == few <= 10


def test_the_figures_roll_up_by_union_and_form_and_drill_down(world, login):
    # given: two applications in 新街口 (one declined after 2 working days), one in 龙潭
    scope = world.scope("xinjiekou_officer")
    first = apply(world, submitted_at=MONDAY)
    apply(world, id_number=an_id("19900101", "001"), phone="13700000001",
          employment_form="courier", industry="express")  # fmt: skip
    apply(world, place="bj-dc-lt", id_number=an_id("19900101", "002"), phone="13700000002")
    from gonghui.members.services import application_decline

    application_decline(scope=scope, application=first, reason="重复", decided_on=date(2026, 9, 16))
    # when
    client = login("city_admin")
    page = text(client.get("/workers/applications/figures/"))
    # then: each district rolls up its streets; 西城区 has 2, 东城区 1
    from gonghui.members.figures import application_figures

    figures = application_figures(world.scope("city_admin"), world.org("bj"))
    by_union = {line.label: line for line in figures.by_union}
    assert by_union["西城区总工会"].applications == 2 and by_union["东城区总工会"].applications == 1
    assert by_union["西城区总工会"].declined == 1 and by_union["西城区总工会"].median_days == 2
    by_form = {line.query["employment_form"]: line for line in figures.by_form}
    assert by_form["rider"].applications == 2 and by_form["courier"].applications == 1
    assert figures.total.applications == 3
    assert "西城区总工会" in page and f"org={world.orgs['bj-xc'].pk}" in page
    # the export carries the same figures
    export = client.get("/workers/applications/figures/", {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_dashboard_shows_the_application_figures(world, login):
    apply(world, submitted_at=MONDAY)  # long overdue by now
    page = text(login("xicheng_viewer").get("/"))
    assert 'data-figure="applications"' in page
    assert "/workers/applications/?view=overdue" in page


def test_rules_and_time_limits_in_the_console(world, login):
    client = login("dongcheng_admin")
    page = text(client.get("/workers/applications/rules/new/"))
    assert "龙潭街道总工会" in page and "新街口" not in page
    response = client.post("/workers/applications/rules/new/", {
        "org": world.orgs["bj-dc"].pk, "place": world.orgs["bj-dc-lt"].pk,
        "industry": "express", "target": world.orgs["bj-dc-lt-sy"].pk, "note": "试点",
    })  # fmt: skip
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert "双玉社区" in text(client.get("/workers/applications/rules/"))
    client.post("/workers/applications/rules/time-limit/",
                {"org": world.orgs["bj-dc"].pk, "decide_within_days": 10})  # fmt: skip
    assert "10" in text(client.get("/workers/applications/rules/"))
    bad = text(client.post("/workers/applications/rules/time-limit/",
                           {"org": world.orgs["bj-dc"].pk, "decide_within_days": 0}))  # fmt: skip
    assert "has-error" in bad
    # an officer below the rule's owner, or of a sibling, cannot remove it
    for user in ("longtan_officer", "xinjiekou_officer"):
        assert login(user).post(f"/workers/applications/rules/{rule.pk}/delete/").status_code == 404
    assert RoutingRule.objects.exists()
    client.post(f"/workers/applications/rules/{rule.pk}/delete/")
    assert not RoutingRule.objects.exists()


def test_the_figures_page_runs_a_fixed_number_of_queries(world, login):
    client = login("city_admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            text(client.get("/workers/applications/figures/"))
        return len(captured)

    queries()  # the first request reads the user's roles into the per-process cache
    apply(world)
    few = queries()
    for n in range(2, 12):
        place = ("bj-dc-lt", "bj-xc-xjk", "bj-cy-gbd")[n % 3]
        apply(world, place=place, id_number=an_id("19900101", f"{n:03d}"), phone=f"1370000{n:04d}")
    assert queries() == few <= 10
