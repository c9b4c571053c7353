"""The shared import pages, driven through the workers import: upload, progress, dry-run
result, column mapping, commit, discard, the audited errors workbook, and outsiders."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from gonghui.core.imports import pipeline
from gonghui.core.imports.services import import_start
from gonghui.core.imports.testing import write_xlsx
from gonghui.core.models import AuditEvent, ImportJob, ImportState
from gonghui.members.models import Worker
from gonghui.members.tests.factories import LI_ID, ZHANG_ID, an_id

HEADER = ["姓名", "身份证号码", "手机号码", "工作单位", "用工形式"]
GOOD = [
    ["张三", ZHANG_ID, "13812345678", "美团", "外卖员"],
    ["李四", LI_ID, "13900001111", "顺丰速运", "快递员"],
]
BAD = [
    ["王五", ZHANG_ID[:-1] + ("0" if ZHANG_ID[-1] != "0" else "1"), "", "", ""],
    ["赵六", an_id("19800101", "555"), "12345", "", "宇航员"],
]


@pytest.fixture
def upload(login, world, tmp_path, django_capture_on_commit_callbacks):
    """Upload rows through the console as ``user``; the check runs as the task would."""

    def _upload(rows, *, user="longtan_officer", org="bj-dc-lt", name="职工名册.xlsx"):
        path = write_xlsx(tmp_path / name, rows)
        client = login(user)
        with django_capture_on_commit_callbacks(execute=True), path.open("rb") as handle:
            response = client.post(
                "/imports/workers/new/", {"file": handle, "org": world.orgs[org].pk}
            )
        return client, response

    return _upload


def job_of(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_upload_checks_every_row_and_shows_the_dry_run(upload):
    # when
    client, response = upload([HEADER, *GOOD, *BAD])
    job = job_of(response)
    page = text(client.get(f"/imports/{job.pk}/"))
    # then: counts, each bad row with its spreadsheet row number, column and reason
    assert job.state == ImportState.VALIDATED and not Worker.objects.exists()
    assert job.progress_done == job.progress_total == 4  # the data rows below the header
    assert 'data-testid="import-counts"' in page
    assert "<b>4</b>" in page and "<b>2</b>" in page
    errors = page[page.index('data-testid="import-errors"') :]
    assert '<td class="num">4</td>' in errors and "校验位" in errors
    assert '<td class="num">5</td>' in errors and "不是有效的大陆手机号" in errors
    assert "无法识别的用工形式" in errors
    assert f"/imports/{job.pk}/errors.xlsx" in page and 'data-testid="import-commit"' in page
    assert "hx-trigger" not in page  # finished: no more polling


def test_the_page_polls_a_fragment_while_the_job_runs(upload, login, world):
    # given: a job half-way through its check
    client, response = upload([HEADER, *GOOD])
    job = job_of(response)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.VALIDATING, progress_done=40, progress_total=100
    )
    # when
    page = text(client.get(f"/imports/{job.pk}/"))
    fragment = text(client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true"))
    # then
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="40"' in page
    assert fragment.lstrip().startswith('<div id="import-status"') and "<html" not in fragment
    assert "已校验 40 / 100 行" in fragment
    # and once it is done the fragment stops polling and shows the result
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.VALIDATED)
    done = text(client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true"))
    assert "hx-trigger" not in done and 'data-testid="import-counts"' in done
    # a commit waiting in the queue is told apart from a check
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.QUEUED, existing="update")
    queued = text(client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true"))
    assert "正在写入名册" in queued and 'hx-trigger="every 1s"' in queued


def test_commit_of_all_rows_is_refused_while_some_are_rejected(
    upload, django_capture_on_commit_callbacks
):
    client, response = upload([HEADER, *GOOD, *BAD])
    job = job_of(response)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(f"/imports/{job.pk}/commit/", {"existing": "update"})
    assert "有 2 行有错误" in text(refused)
    assert not Worker.objects.exists()


def test_commit_only_the_good_rows(upload, django_capture_on_commit_callbacks, world):
    client, response = upload([HEADER, *GOOD, *BAD])
    job = job_of(response)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/imports/{job.pk}/commit/", {"only_good": "on", "existing": "update"})
    # then
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.COMMITTED and job.counts["created"] == 2
    assert set(Worker.objects.values_list("name", flat=True)) == {"张三", "李四"}
    page = text(client.get(f"/imports/{job.pk}/"))
    assert "导入完成：新增 2 人，更新 0 人，跳过 0 人" in page and "/workers/" in page
    assert f"/imports/{job.pk}/errors.xlsx" in page  # the rejected rows are still there to fix
    committed = AuditEvent.objects.get(action="import.commit")
    assert committed.actor == world.users["longtan_officer"]


def test_existing_people_are_skipped_when_asked(upload, django_capture_on_commit_callbacks):
    client, response = upload([HEADER, *GOOD])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{job_of(response).pk}/commit/", {"existing": "update"})
    client, response = upload([HEADER, ["张三", ZHANG_ID, "13999999999", "", ""]])
    job = job_of(response)
    assert "其中 1 人已在名册中" in text(client.get(f"/imports/{job.pk}/"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{job.pk}/commit/", {"existing": "skip"})
    job.refresh_from_db()
    assert job.counts["skipped"] == 1
    assert Worker.objects.get(name="张三").phone_masked == "138****5678"


def test_discard(upload):
    client, response = upload([HEADER, *GOOD])
    job = job_of(response)
    assert client.post(f"/imports/{job.pk}/discard/").status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.DISCARDED
    assert "已放弃" in text(client.get(f"/imports/{job.pk}/"))
    assert AuditEvent.objects.filter(action="import.discard").exists()


def test_the_errors_workbook_download_is_audited(upload, world):
    client, response = upload([HEADER, *GOOD, *BAD])
    job = job_of(response)
    # when
    download = client.get(f"/imports/{job.pk}/errors.xlsx")
    # then
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert "attachment" in download["Content-Disposition"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content)))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert [int(r[0]) for r in rows[1:]] == [4, 5] and rows[1][2] == "王五"
    event = AuditEvent.objects.get(action="import.errors_download")
    assert event.actor == world.users["longtan_officer"] and event.org.code == "bj-dc-lt"


def test_a_viewer_sees_the_result_but_cannot_download_or_commit(world, login, tmp_path):
    # given: an import into 新街口, looked at by 西城's viewer
    path = write_xlsx(tmp_path / "x.xlsx", [HEADER, *GOOD, *BAD])
    with path.open("rb") as handle:
        job = import_start(
            scope=world.scope("xinjiekou_officer"),
            kind="workers",
            org=world.org("bj-xc-xjk"),
            upload=handle,
            file_name="x.xlsx",
            enqueue=False,
        )
    pipeline.validate_job(job.pk)
    client = login("xicheng_viewer")
    # then
    page = text(client.get(f"/imports/{job.pk}/"))
    assert "errors.xlsx" not in page and 'data-testid="import-commit"' not in page
    assert client.get(f"/imports/{job.pk}/errors.xlsx").status_code == 403
    assert client.post(f"/imports/{job.pk}/commit/", {"only_good": "on"}).status_code == 403
    assert client.get("/imports/workers/new/").status_code == 403
    assert not AuditEvent.objects.filter(action="import.errors_download").exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/imports/{id}/"),
        ("get", "/imports/{id}/errors.xlsx"),
        ("post", "/imports/{id}/commit/"),
        ("post", "/imports/{id}/discard/"),
        ("post", "/imports/{id}/columns/"),
    ],
)
def test_an_outsider_gets_not_found(upload, login, method, path):
    _client, response = upload([HEADER, *GOOD, *BAD])
    job = job_of(response)
    outsider = login("xinjiekou_admin")
    data = {"only_good": "on", "existing": "update", "map-name": "姓名"}
    assert getattr(outsider, method)(path.format(id=job.pk), data).status_code == 404
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED


def test_the_list_shows_the_acting_subtree_only(upload, login):
    upload([HEADER, *GOOD], name="龙潭职工.xlsx")
    upload([HEADER, *GOOD], user="xinjiekou_officer", org="bj-xc-xjk", name="新街口职工.xlsx")
    page = text(login("longtan_officer").get("/imports/"))
    assert "龙潭职工.xlsx" in page and "新街口职工.xlsx" not in page


def test_a_missing_column_is_chosen_by_hand_and_checked_again(
    upload, django_capture_on_commit_callbacks
):
    # given: headers we do not recognise (none of them)
    rows = [["人员", "证件", "联系号码"], ["张三", ZHANG_ID, "13812345678"]]
    client, response = upload(rows)
    job = job_of(response)
    assert job.state == ImportState.FAILED
    page = text(client.get(f"/imports/{job.pk}/"))
    # then: the file's own headers are offered for each column
    assert "找不到这些列" in page and 'data-testid="import-mapping"' in page
    assert '<option value="人员">人员</option>' in page
    # when
    with django_capture_on_commit_callbacks(execute=True):
        checked = client.post(
            f"/imports/{job.pk}/columns/",
            {"map-name": "人员", "map-id_number": "证件", "map-phone": "联系号码"},
        )
    # then
    assert checked.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED, job.message
    assert job.counts["valid"] == 1 and job.mapping["id_number"] == "证件"
    assert AuditEvent.objects.filter(action="import.recheck").exists()


def test_the_same_header_cannot_be_chosen_twice(upload):
    client, response = upload([["人员", "证件"], ["张三", ZHANG_ID]])
    job = job_of(response)
    page = text(
        client.post(f"/imports/{job.pk}/columns/", {"map-name": "人员", "map-id_number": "人员"})
    )
    assert "此列已被指定给其他项目" in page
    job.refresh_from_db()
    assert job.state == ImportState.FAILED


def test_a_wrong_kind_of_file_is_refused_on_the_form(login, world, tmp_path):
    response = login("longtan_officer").post(
        "/imports/workers/new/",
        {"file": SimpleUploadedFile("notes.txt", b"hello"), "org": world.orgs["bj-dc-lt"].pk},
    )
    assert "不支持的文件类型" in text(response)
    assert not ImportJob.objects.exists()


def test_the_template_lists_the_recognised_headers_as_text_columns(login):
    response = login("longtan_officer").get("/imports/workers/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    headers = book.get_sheet_by_index(0).to_python()[0]
    assert headers[:3] == ["姓名", "身份证号码", "手机号码"] and "入会时间" in headers
    assert book.sheet_names[1] == "填写说明"


def test_an_unknown_kind_is_not_found(login):
    assert login("longtan_officer").get("/imports/nothing/new/").status_code == 404


def test_the_workers_list_links_to_the_import(login, world):
    page = text(login("longtan_officer").get("/workers/"))
    assert "/imports/workers/new/" in page


def test_an_import_run_from_the_command_line_shows_who_ran_it(world, login, tmp_path):
    # given: the operator's CLI import (no user behind it) into 龙潭
    from django.core.management import call_command

    path = write_xlsx(tmp_path / "cli.xlsx", [HEADER, *GOOD])
    call_command("import_workers", str(path), "--org", "bj-dc-lt")
    job = ImportJob.objects.get()
    client = login("longtan_officer")
    # then
    assert "命令行" in text(client.get("/imports/"))
    assert "命令行" in text(client.get(f"/imports/{job.pk}/"))
