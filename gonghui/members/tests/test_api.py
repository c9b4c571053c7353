"""The workers API: masked values, scope, the error shape, and the import flow end to end
(upload, poll, commit) with the exact response shape."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gonghui.accounts.services import token_create
from gonghui.core.imports.testing import write_xlsx
from gonghui.core.models import AuditEvent, ImportState
from gonghui.members.models import Worker
from gonghui.members.tests.factories import (
    LI_ID,
    OUTSIDER_ID,
    ZHANG_ID,
    ZHANG_PHONE,
    add_worker,
    add_zhang,
    an_id,
)

WORKER_KEYS = {
    "id",
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "org",
    "org_name",
    "employer",
    "employment_form",
    "gig",
    "membership_status",
    "joined_on",
}
DETAIL_KEYS = WORKER_KEYS | {
    "groups",
    "left_on",
    "left_reason",
    "transfers",
    "created_at",
    "updated_at",
}


@pytest.fixture
def api(world):
    def _client(username: str) -> Client:
        _row, token = token_create(user=world.users[username], name="test")
        return Client(headers={"authorization": f"Bearer {token}"})

    return _client


@pytest.fixture
def zhang(world):
    return add_zhang(world)


def test_list_is_masked_and_scoped(api, world, zhang):
    add_worker(world, "bj-xc-xjk", "王五", id_number=OUTSIDER_ID)
    # when
    response = api("longtan_admin").get("/api/v1/workers/")
    # then: masked even for an admin who may reveal in the console
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and set(body["items"][0]) == WORKER_KEYS
    item = body["items"][0]
    assert item["phone"] == "138****5678" and item["id_number"].endswith(ZHANG_ID[-4:])
    assert (
        ZHANG_PHONE not in response.content.decode() and ZHANG_ID not in response.content.decode()
    )
    assert (item["org"], item["employer"], item["gig"]) == ("bj-dc-lt", "美团", True)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"q": "zs"}, ["张三"]),
        ({"q": "5678"}, ["张三"]),
        ({"q": ZHANG_ID}, ["张三"]),
        ({"gig": "true"}, ["李四", "张三"]),
        ({"employment_form": "courier"}, ["李四"]),
        ({"membership_status": "member"}, ["李四"]),
        ({"org": "bj-dc-lt-sy"}, ["李四"]),
        ({"org": "bj-xc-xjk"}, []),
        ({"group": "outdoor"}, ["张三"]),
    ],
)
def test_list_filters(api, world, zhang, query, names):
    add_worker(world, "bj-dc-lt-sy", "李四", employment_form="courier", joined_on=date(2020, 1, 1))
    body = api("dongcheng_admin").get("/api/v1/workers/", query).json()
    assert [w["name"] for w in body["items"]] == names and body["count"] == len(names)


def test_list_runs_a_fixed_number_of_queries(api, world):
    client = api("longtan_officer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/workers/").status_code == 200
        return len(captured)

    add_worker(world, "bj-dc-lt", "甲", employer_name="单位甲")
    queries()  # the token's first use is recorded once
    few = queries()
    for n in range(20):
        add_worker(world, "bj-dc-lt-sy", f"乙{n}", employer_name=f"单位{n}")
    assert queries() == few <= 4  # token, roles, rows, count


def test_detail(api, zhang):
    body = api("longtan_officer").get(f"/api/v1/workers/{zhang.pk}").json()
    assert set(body) == DETAIL_KEYS and body["groups"] == ["outdoor"]
    assert body["birth_date"] == "1990-03-07" and body["gender"] == "M"


def test_an_outsider_gets_404_in_the_error_shape(api, zhang):
    client = api("xinjiekou_admin")
    response = client.get(f"/api/v1/workers/{zhang.pk}")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "fields"}
    patch = client.patch(f"/api/v1/workers/{zhang.pk}", {"name": "x"}, "application/json")
    assert patch.status_code == 404 and Worker.objects.get(pk=zhang.pk).name == "张三"


def test_create(api):
    response = api("longtan_officer").post(
        "/api/v1/workers/",
        {
            "org": "bj-dc-lt-sy",
            "name": "李四",
            "id_number": LI_ID,
            "phone": "13900001111",
            "employer": "顺丰速运",
            "employment_form": "courier",
            "groups": ["outdoor"],
            "joined_on": "2021-03-04",
        },
        "application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["org"] == "bj-dc-lt-sy" and body["membership_status"] == "member"
    assert body["gender"] == "F" and body["phone"] == "139****1111"
    assert AuditEvent.objects.filter(action="worker.create").exists()


@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        ({"id_number": "12345"}, 400, "invalid", "id_number"),
        ({"phone": "010-1234"}, 400, "invalid", "phone"),
        ({"org": "bj-xc-xjk"}, 400, "invalid", "org"),
        ({"org": "no-such-union"}, 400, "invalid", "org"),
        ({"employment_form": "astronaut"}, 422, "invalid", "employment_form"),
        ({"id_number": ZHANG_ID}, 409, "conflict", "id_number"),
    ],
)
def test_create_errors_have_the_one_shape(api, zhang, payload, status, code, field):
    response = api("longtan_officer").post(
        "/api/v1/workers/", {"org": "bj-dc-lt", "name": "某人", **payload}, "application/json"
    )
    assert response.status_code == status, response.json()
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["code"] == code
    assert field in body["fields"]


def test_a_viewer_cannot_create(api):
    response = api("xicheng_viewer").post(
        "/api/v1/workers/", {"org": "bj-xc", "name": "某人"}, "application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_patch_changes_only_what_is_sent(api, zhang):
    response = api("longtan_officer").patch(
        f"/api/v1/workers/{zhang.pk}",
        {"employer": "饿了么", "groups": []},
        "application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["employer"] == "饿了么" and body["groups"] == []
    assert body["phone"] == "138****5678" and body["name"] == "张三"


def test_transfer(api, zhang):
    client = api("longtan_officer")
    response = client.post(
        f"/api/v1/workers/{zhang.pk}/transfer",
        {"to_org": "bj-dc-lt-sy", "reason": "搬家"},
        "application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["org"] == "bj-dc-lt-sy"
    assert (
        body["transfers"][0]["from_org"] == "bj-dc-lt" and body["transfers"][0]["reason"] == "搬家"
    )
    outside = client.post(
        f"/api/v1/workers/{zhang.pk}/transfer", {"to_org": "bj-xc-xjk"}, "application/json"
    )
    assert outside.status_code == 400 and "to_org" in outside.json()["fields"]


# Imports


def sheet(tmp_path, rows, name="workers.xlsx") -> SimpleUploadedFile:
    path = write_xlsx(tmp_path / name, rows)
    return SimpleUploadedFile(name, path.read_bytes())


ROWS = [
    ["2026年龙潭街道职工名册"],
    ["姓名", "身份证号码", "手机号码", "工作单位", "用工形式"],
    ["张三", ZHANG_ID, "13812345678", "美团", "外卖员"],
    ["李四", LI_ID, "13900001111", "顺丰速运", "快递员"],
    ["王五", an_id("19850615", "031")[:-1] + "Y", "", "", ""],
    ["赵六", an_id("19800101", "555"), "12345", "", ""],
]


def test_the_import_flow_end_to_end(api, tmp_path, django_capture_on_commit_callbacks):
    client = api("longtan_officer")
    # upload
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/api/v1/workers/imports", {"file": sheet(tmp_path, ROWS), "org": "bj-dc-lt"}
        )
    assert started.status_code == 201, started.json()
    job_id = started.json()["id"]
    # poll
    polled = client.get(f"/api/v1/workers/imports/{job_id}")
    assert polled.status_code == 200
    body = polled.json()
    assert set(body) == {
        "id",
        "state",
        "progress",
        "counts",
        "errors",
        "errors_total",
        "already_registered",
        "message",
        "file_name",
        "org",
        "created_at",
    }
    assert body["state"] == "validated" and body["progress"] == 1.0
    assert body["counts"] == {"valid": 2, "rejected": 2, "created": 0, "updated": 0, "skipped": 0}
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(5, "身份证号码"), (6, "手机号码")]
    assert set(body["errors"][0]) == {"row", "column", "reason"}
    assert body["errors_total"] == 2 and body["already_registered"] == 0
    assert not Worker.objects.exists()
    # commit: all-or-nothing is refused, then only the good rows
    refused = client.post(f"/api/v1/workers/imports/{job_id}/commit", {}, "application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid"
    with django_capture_on_commit_callbacks(execute=True):
        committed = client.post(
            f"/api/v1/workers/imports/{job_id}/commit",
            {"only_good": True, "existing": "skip"},
            "application/json",
        )
    assert committed.status_code == 202
    final = client.get(f"/api/v1/workers/imports/{job_id}").json()
    assert final["state"] == ImportState.COMMITTED
    assert final["counts"] == {"valid": 2, "rejected": 2, "created": 2, "updated": 0, "skipped": 0}
    assert set(Worker.objects.values_list("name", flat=True)) == {"张三", "李四"}


def test_import_errors(api, tmp_path, world):
    client = api("longtan_officer")
    outside = client.post(
        "/api/v1/workers/imports", {"file": sheet(tmp_path, ROWS), "org": "bj-xc-xjk"}
    )
    assert outside.status_code == 400 and "org" in outside.json()["fields"]
    no_file = client.post("/api/v1/workers/imports", {"org": "bj-dc-lt"})
    assert no_file.status_code == 422 and "file" in no_file.json()["fields"]
    wrong = client.post(
        "/api/v1/workers/imports",
        {"file": SimpleUploadedFile("a.txt", b"x"), "org": "bj-dc-lt"},
    )
    assert wrong.status_code == 400 and wrong.json()["fields"] == {"file": ["不支持的文件类型。"]}
    bad_choice = client.post(
        "/api/v1/workers/imports/1/commit", {"existing": "replace"}, "application/json"
    )
    assert bad_choice.status_code == 422 and "existing" in bad_choice.json()["fields"]


def test_an_outsider_cannot_see_or_commit_an_import(
    api, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = (
            api("longtan_officer")
            .post(
                "/api/v1/workers/imports", {"file": sheet(tmp_path, ROWS[1:4]), "org": "bj-dc-lt"}
            )
            .json()["id"]
        )
    outsider = api("xinjiekou_admin")
    assert outsider.get(f"/api/v1/workers/imports/{job_id}").status_code == 404
    commit = outsider.post(
        f"/api/v1/workers/imports/{job_id}/commit", {"only_good": True}, "application/json"
    )
    assert commit.status_code == 404 and not Worker.objects.exists()
