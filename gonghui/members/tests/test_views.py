"""The workers register pages as staff use them: search, filters, masked values, reveal,
forms with the services' errors in Chinese, and the outsider case for every page."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.models import AuditEvent
from gonghui.members.models import MembershipStatus, Worker
from gonghui.members.tests.factories import (
    LI_ID,
    OUTSIDER_ID,
    ZHANG_ID,
    ZHANG_PHONE,
    add_worker,
    add_zhang,
)


@pytest.fixture
def zhang(world):
    return add_zhang(world)


@pytest.fixture
def register(world, zhang):
    """张三 (龙潭, rider), 李四 (双玉社区, member, courier), and 王五 of 新街口 (an outsider's)."""
    li = add_worker(
        world,
        "bj-dc-lt-sy",
        "李四",
        id_number=LI_ID,
        phone="13900001111",
        employment_form="courier",
        joined_on=date(2021, 3, 4),
    )
    wang = add_worker(world, "bj-xc-xjk", "王五", id_number=OUTSIDER_ID, phone="13700002222")
    return {"zhang": zhang, "li": li, "wang": wang}


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# The list


def test_list_shows_the_subtree_in_pinyin_order_masked(register, login):
    # when
    text = page_text(login("longtan_officer").get("/workers/"))
    # then: 李四 (lǐ) before 张三 (zhāng), 新街口's 王五 absent, nothing in plain text
    table = text[text.index('data-testid="worker-table"') :]
    assert table.index(">李四</a>") < table.index(">张三</a>")
    assert "王五" not in text
    assert "138****5678" in text and ZHANG_PHONE not in text
    assert ZHANG_ID[:6] + "********" + ZHANG_ID[-4:] in text and ZHANG_ID not in text
    assert "共 2 名职工" in text


@pytest.mark.parametrize(
    "q", ["zs", "zhangsan", "张", "5678", ZHANG_PHONE, "138 1234 5678", ZHANG_ID]
)
def test_one_search_box_finds_by_pinyin_name_phone_or_id(register, login, q):
    text = page_text(login("longtan_officer").get("/workers/", {"q": q}))
    assert "张三" in text and "李四" not in text


def test_an_id_of_another_subtree_finds_nothing(register, login):
    text = page_text(login("longtan_officer").get("/workers/", {"q": OUTSIDER_ID}))
    assert "王五" not in text and "没有符合条件的职工" in text


@pytest.mark.parametrize(
    ("filters", "shown"),
    [
        ({"employment_form": "courier"}, {"李四"}),
        ({"gig": "on"}, {"张三", "李四"}),
        ({"membership_status": "member"}, {"李四"}),
        ({"membership_status": "none"}, {"张三"}),
        ({"group": "outdoor"}, {"张三"}),
        ({"employment_form": "employee"}, set()),
    ],
)
def test_filters_narrow_the_list(register, login, filters, shown):
    text = page_text(login("longtan_officer").get("/workers/", filters))
    assert {name for name in ("张三", "李四") if f">{name}</a>" in text} == shown


def test_the_union_filter_takes_the_union_and_those_below_it(register, login, world):
    client = login("dongcheng_admin")
    sub = page_text(client.get("/workers/", {"org": world.orgs["bj-dc-lt-sy"].pk}))
    assert ">李四</a>" in sub and ">张三</a>" not in sub
    area = page_text(client.get("/workers/", {"org": world.orgs["bj-dc-lt"].pk}))
    assert ">李四</a>" in area and ">张三</a>" in area


def test_a_union_outside_the_scope_is_not_offered_as_a_filter(register, login, world):
    text = page_text(login("longtan_officer").get("/workers/"))
    assert "双玉社区" in text and "新街口" not in text


def test_htmx_gets_the_rows_alone(register, login):
    response = login("longtan_officer").get("/workers/", {"q": "ls"}, HTTP_HX_REQUEST="true")
    text = page_text(response)
    assert "<html" not in text and ">李四</a>" in text and ">张三</a>" not in text
    assert "/workers/export.xlsx?q=ls" in text  # the export follows the filters


def test_the_list_pages_with_a_total(world, login, settings):
    for n in range(55):
        add_worker(world, "bj-dc-lt", f"职工{n:02d}")
    text = page_text(login("longtan_officer").get("/workers/", {"page": 2}))
    assert "第 2 页，共 2 页" in text and "55" in text


def test_the_list_runs_a_fixed_number_of_queries(world, login):
    """No N+1: the same number of queries for 2 workers as for 30."""
    client = login("longtan_officer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page_text(client.get("/workers/"))
        return len(captured)

    for n in range(2):
        add_worker(world, "bj-dc-lt", f"甲{n}", employer_name=f"单位{n}", phone=f"1380000{n:04d}")
    few = queries()
    for n in range(2, 30):
        add_worker(world, "bj-dc-lt-sy", f"乙{n}", employer_name=f"单位{n}")
    assert queries() == few <= 11  # session, user, roles x2, groups, orgs, count, rows, save


def test_the_list_needs_a_login(db, client):
    assert client.get("/workers/").status_code == 302


# The detail page and reveal


def test_detail_shows_masked_values_and_no_show_button_to_an_officer(zhang, login):
    text = page_text(login("longtan_officer").get(f"/workers/{zhang.pk}/"))
    assert "138****5678" in text and ZHANG_PHONE not in text and ZHANG_ID not in text
    assert "美团" in text and "外卖骑手" in text and "户外劳动者" in text
    assert 'data-testid="reveal-phone"' not in text


def test_an_admin_reveals_one_value_and_the_reveal_is_audited(zhang, login, world):
    client = login("longtan_admin")
    assert 'data-testid="reveal-id_number"' in page_text(client.get(f"/workers/{zhang.pk}/"))
    # when
    response = client.post(f"/workers/{zhang.pk}/reveal/", {"field": "phone"})
    # then
    text = page_text(response)
    assert ZHANG_PHONE in text and "<html" not in text
    assert response["Cache-Control"].startswith("max-age=0")
    event = AuditEvent.objects.get(action="worker.reveal")
    assert event.actor == world.users["longtan_admin"] and event.changes == {"field": "phone"}
    assert ZHANG_PHONE not in str(event.changes)


def test_an_officer_cannot_reveal(zhang, login):
    response = login("longtan_officer").post(f"/workers/{zhang.pk}/reveal/", {"field": "phone"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="worker.reveal").exists()


def test_reveal_refuses_other_fields_and_gets(zhang, login):
    client = login("longtan_admin")
    assert client.post(f"/workers/{zhang.pk}/reveal/", {"field": "name"}).status_code == 400
    assert client.get(f"/workers/{zhang.pk}/reveal/").status_code == 405


def test_the_detail_shows_the_transfer_history(zhang, login, world):
    client = login("longtan_officer")
    client.post(
        f"/workers/{zhang.pk}/transfer/",
        {"to_org": world.orgs["bj-dc-lt-sy"].pk, "reason": "居住地变更"},
    )
    text = page_text(client.get(f"/workers/{zhang.pk}/"))
    assert "龙潭街道总工会 → 龙潭街道双玉社区工会" in text and "居住地变更" in text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/workers/{id}/"),
        ("get", "/workers/{id}/edit/"),
        ("post", "/workers/{id}/edit/"),
        ("get", "/workers/{id}/transfer/"),
        ("post", "/workers/{id}/transfer/"),
        ("get", "/workers/{id}/join/"),
        ("post", "/workers/{id}/join/"),
        ("get", "/workers/{id}/leave/"),
        ("post", "/workers/{id}/leave/"),
        ("post", "/workers/{id}/reveal/"),
    ],
)
def test_an_outsider_gets_not_found_everywhere(zhang, login, method, path):
    client = login("xinjiekou_admin")
    data = {"name": "越权", "field": "phone", "joined_on": "2024-01-01", "reason": "越权"}
    response = getattr(client, method)(path.format(id=zhang.pk), data)
    assert response.status_code == 404
    assert Worker.objects.get(pk=zhang.pk).name == "张三"


@pytest.mark.parametrize("path", ["edit/", "transfer/", "join/", "leave/"])
def test_a_viewer_may_look_but_not_change(world, login, path):
    wang = add_worker(world, "bj-xc-xjk", "王五")
    client = login("xicheng_viewer")
    assert client.get(f"/workers/{wang.pk}/").status_code == 200
    assert client.get(f"/workers/{wang.pk}/{path}").status_code == 403
    assert client.get("/workers/new/").status_code == 403


# Forms


def test_adding_a_worker(login, world):
    # when
    response = login("longtan_officer").post(
        "/workers/new/",
        {
            "org": world.orgs["bj-dc-lt-sy"].pk,
            "name": "张三",
            "id_number": ZHANG_ID,
            "phone": "138 1234 5678",
            "employer_name": "美团",
            "employment_form": "rider",
            "groups": ["outdoor", "frontline"],
            "joined_on": "2022-05-01",
        },
    )
    # then
    worker = Worker.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workers/{worker.pk}/"
    assert worker.org.code == "bj-dc-lt-sy" and worker.phone_masked == "138****5678"
    assert worker.membership_status == MembershipStatus.MEMBER
    assert set(worker.groups.values_list("code", flat=True)) == {"outdoor", "frontline"}
    assert AuditEvent.objects.filter(action="worker.create").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"id_number": ZHANG_ID[:-1] + "0" if ZHANG_ID[-1] != "0" else "1"}, "校验位"),
        ({"id_number": "12345"}, "18 位"),
        ({"phone": "010-12345678"}, "不是有效的大陆手机号"),
        ({"id_number": ZHANG_ID, "gender": "F"}, "性别与身份证号不符"),
        ({"joined_on": "2099-01-01"}, "晚于今天"),
        ({"name": ""}, "这个字段是必填项"),
    ],
)
def test_the_services_errors_show_on_the_form_in_chinese(login, world, data, message):
    form = {"org": world.orgs["bj-dc-lt"].pk, "name": "张三", "employment_form": "employee"}
    response = login("longtan_officer").post("/workers/new/", {**form, **data})
    text = page_text(response)
    assert message in text, text[text.find("error") - 200 : text.find("error") + 300]
    assert not Worker.objects.exists()


def test_a_resident_id_already_registered_is_refused_on_the_form(zhang, login, world):
    response = login("longtan_officer").post(
        "/workers/new/",
        {
            "org": world.orgs["bj-dc-lt"].pk,
            "name": "张三三",
            "id_number": ZHANG_ID,
            "employment_form": "employee",
        },
    )
    assert "该身份证号的职工已在名册中" in page_text(response)  # beside the resident ID
    assert Worker.objects.count() == 1


def test_a_union_outside_the_scope_cannot_be_chosen(login, world):
    response = login("longtan_officer").post(
        "/workers/new/", {"org": world.orgs["bj-xc-xjk"].pk, "name": "越权"}
    )
    assert "选择一个有效的选项" in page_text(response)
    assert not Worker.objects.exists()


def test_editing_keeps_the_protected_values_when_left_blank(zhang, login):
    client = login("longtan_officer")
    form = page_text(client.get(f"/workers/{zhang.pk}/edit/"))
    assert 'placeholder="138****5678"' in form and ZHANG_PHONE not in form
    # when
    response = client.post(
        f"/workers/{zhang.pk}/edit/",
        {"name": "张叁", "employer_name": "饿了么", "employment_form": "rider", "groups": []},
    )
    # then
    assert response.status_code == 302
    worker = Worker.objects.get(pk=zhang.pk)
    assert (worker.name, worker.employer.name) == ("张叁", "饿了么")
    assert worker.phone_masked == "138****5678" and worker.id_number_masked.endswith(ZHANG_ID[-4:])
    assert (worker.gender, worker.birth_date) == ("M", date(1990, 3, 7))
    assert not worker.groups.exists()


def test_editing_the_phone(zhang, login):
    login("longtan_officer").post(
        f"/workers/{zhang.pk}/edit/",
        {"name": "张三", "phone": "13999998888", "employment_form": "rider"},
    )
    assert Worker.objects.get(pk=zhang.pk).phone_masked == "139****8888"


def test_transfer_only_to_a_union_in_scope(zhang, login, world):
    client = login("longtan_officer")
    form = page_text(client.get(f"/workers/{zhang.pk}/transfer/"))
    assert "双玉社区" in form and "新街口" not in form
    refused = client.post(
        f"/workers/{zhang.pk}/transfer/", {"to_org": world.orgs["bj-xc-xjk"].pk, "reason": "x"}
    )
    assert refused.status_code == 200 and Worker.objects.get(pk=zhang.pk).org.code == "bj-dc-lt"
    moved = client.post(
        f"/workers/{zhang.pk}/transfer/", {"to_org": world.orgs["bj-dc-lt-sy"].pk, "reason": "搬家"}
    )
    assert moved.status_code == 302
    assert Worker.objects.get(pk=zhang.pk).org.code == "bj-dc-lt-sy"


def test_joining_and_leaving(zhang, login):
    client = login("longtan_officer")
    assert client.post(f"/workers/{zhang.pk}/join/", {"joined_on": "2023-06-01"}).status_code == 302
    assert "该职工已是会员" in page_text(
        client.post(f"/workers/{zhang.pk}/join/", {"joined_on": "2023-06-01"})
    )
    early = client.post(f"/workers/{zhang.pk}/leave/", {"left_on": "2020-01-01", "reason": "调离"})
    assert "时间过早" in page_text(early)  # beside the date it is about
    left = client.post(f"/workers/{zhang.pk}/leave/", {"left_on": "2024-01-01", "reason": "调离"})
    assert left.status_code == 302
    worker = Worker.objects.get(pk=zhang.pk)
    assert (worker.membership_status, worker.left_reason) == (MembershipStatus.LEFT, "调离")
    assert "调离" in page_text(client.get(f"/workers/{zhang.pk}/"))


def test_employer_suggestions_for_the_datalist(zhang, login):
    text = page_text(login("longtan_officer").get("/workers/employers/", {"employer_name": "美"}))
    assert '<option value="美团">' in text


# Dashboard


def test_the_dashboard_card_counts_the_subtree_and_drills_down(register, login):
    text = page_text(login("dongcheng_admin").get("/"))
    assert 'data-figure="workers"' in text
    assert "/workers/?membership_status=member" in text and "/workers/?gig=on" in text
    assert "/workers/?employment_form=rider" in text
    assert "职工名册" in text  # the navigation entry


def test_the_dashboard_figures(register, world):
    from gonghui.core.console import figures_for

    card = {c.key: c for c in figures_for(world.scope("dongcheng_admin"))}["workers"]
    rows = {str(row.label): row.value for row in card.rows}
    assert card.value == 2 and rows["会员"] == 1 and rows["新就业形态劳动者"] == 2
    assert rows["外卖骑手"] == 1 and rows["快递员"] == 1 and rows["劳动合同职工"] == 0
