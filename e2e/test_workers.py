"""The workers register as an officer uses it, at desktop and phone sizes: upload a
spreadsheet with two bad rows, watch the check run, read the rejected rows, import only the
good ones, and find an imported worker by the initials of their name in pinyin."""

import re

import pytest
from playwright.sync_api import Page, expect

from gonghui.core.identity import id_check_digit
from gonghui.core.imports import pipeline
from gonghui.core.imports.testing import write_xlsx
from gonghui.core.models import ImportJob, ImportState
from gonghui.core.testing import PASSWORD


def an_id(birth: str, serial: str) -> str:
    first17 = f"110101{birth}{serial}"
    return first17 + id_check_digit(first17)


ROWS = [
    ["2026年龙潭街道新入会骑手名单"],
    ["姓名", "身份证号码", "手机号码", "工作单位", "用工形式", "入会时间"],
    ["欧阳娜娜", an_id("19950412", "022"), "13812345678", "美团", "外卖骑手", "2024-05-01"],
    ["司马光明", an_id("19880101", "035"), "13900001111", "顺丰速运", "快递员", ""],
    ["错号码", an_id("19900101", "011"), "1381234", "美团", "外卖骑手", ""],
    ["上官婉", an_id("19970707", "046"), "13700002222", "饿了么", "外卖员", ""],
    ["错证件", an_id("19920202", "051")[:-1] + "Y", "", "美团", "外卖骑手", ""],
]


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait in a queue the test runs by hand, so the page is seen while they run."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def log_in(page: Page, username: str) -> None:
    page.goto("/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("header.topbar")).to_be_visible()


def open_module(page: Page, label: str) -> None:
    if page.size_name == "phone":
        page.locator("label.nav-button").click()
    page.locator("nav.sidenav").get_by_role("link", name=label).click()


def test_import_with_bad_rows_then_find_a_worker_by_initials(
    page: Page, world, tmp_path, queued_tasks
):
    # given: an officer of 龙潭 with a spreadsheet of five riders, two of them wrong
    sheet = write_xlsx(tmp_path / "新入会骑手.xlsx", ROWS)
    log_in(page, "longtan_officer")
    open_module(page, "职工名册")
    page.get_by_test_id("workers-import").click()
    # when: they upload it
    page.set_input_files("#id_file", str(sheet))
    expect(page.locator(".dropzone-name")).to_have_text("新入会骑手.xlsx")
    page.get_by_role("button", name="上传并校验").click()
    # then: the check is under way, and the page follows it by itself
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_contain_text("排队")
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.VALIDATING, progress_done=2, progress_total=5
    )
    expect(progress).to_contain_text("已校验 2 / 5 行")
    pipeline.validate_job(job.pk)
    # and the dry run lists each rejected row with its row number, column and reason
    counts = page.get_by_test_id("import-counts")
    expect(counts.locator(".stat-ok b")).to_have_text("3")
    expect(counts.locator(".stat-bad b")).to_have_text("2")
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors.locator("tbody tr").nth(0)).to_contain_text("5")
    expect(errors.locator("tbody tr").nth(0)).to_contain_text("不是有效的大陆手机号")
    expect(errors.locator("tbody tr").nth(1)).to_contain_text("7")
    expect(errors.locator("tbody tr").nth(1)).to_contain_text("身份证号码")
    expect(page.get_by_test_id("import-errors-download")).to_be_visible()
    page.screenshot(path=f"test-results/import-result-{page.size_name}.png", full_page=True)
    # when: they import only the good rows
    page.get_by_label("只导入校验通过的行").check()
    page.get_by_test_id("import-commit").get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_test_id("import-progress")).to_contain_text("正在写入名册")
    pipeline.commit_job(job.pk)
    # then
    done = page.get_by_test_id("import-done")
    expect(done).to_contain_text("新增 3 人")
    done.get_by_role("link").click()
    # and 欧阳娜娜 is found by the initials of her name in pinyin
    expect(page).to_have_url(re.compile(r"/workers/$"))
    page.get_by_placeholder("姓名、拼音、手机号或身份证号").fill("oynn")
    table = page.get_by_test_id("worker-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("欧阳娜娜")
    expect(table).to_contain_text("138****5678")
    expect(page.get_by_test_id("worker-count")).to_have_text("共 1 名职工")
    expect(page).to_have_url(re.compile(r"q=oynn"))
    page.screenshot(path=f"test-results/workers-search-{page.size_name}.png", full_page=True)
