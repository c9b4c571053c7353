"""Importing workers from spreadsheets: every normalisation and every rejection the issue
lists, the scope rule, dry run then commit, update or skip, all-or-nothing."""

from dataclasses import dataclass
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from gonghui.core.errors import ApplicationError
from gonghui.core.identity import id_check_digit
from gonghui.core.imports import pipeline
from gonghui.core.imports.services import import_commit, import_start
from gonghui.core.imports.testing import write_csv, write_ods, write_xls, write_xlsx
from gonghui.core.models import AuditEvent, ImportIssue, ImportState
from gonghui.members.models import EmploymentForm, MembershipStatus, Worker
from gonghui.members.services import worker_create

HEADER = ["姓名", "身份证号码", "手机号码", "工作单位", "所属工会", "用工形式", "性别", "入会时间"]


def an_id(birth: str = "19900307", serial: str = "123", region: str = "110101") -> str:
    first17 = f"{region}{birth}{serial}"
    return first17 + id_check_digit(first17)


ZHANG = an_id("19900307", "123")  # male: the 17th digit is odd
LI = an_id("19920101", "002")  # female
WANG = an_id("19850615", "031")


@dataclass
class Importer:
    world: object
    tmp_path: object
    capture: object

    def check(
        self,
        rows,
        *,
        user="longtan_officer",
        org="bj-dc-lt",
        writer=write_xlsx,
        name="workers.xlsx",
    ):
        path = writer(self.tmp_path / name, rows)
        with self.capture(execute=True), path.open("rb") as handle:
            job = import_start(
                scope=self.world.scope(user),
                kind="workers",
                org=self.world.org(org),
                upload=handle,
                file_name=name,
            )
        job.refresh_from_db()
        return job

    def commit(self, job, *, only_good=False, existing="update", user="longtan_officer"):
        with self.capture(execute=True):
            import_commit(
                scope=self.world.scope(user), job=job, only_good=only_good, existing=existing
            )
        job.refresh_from_db()
        return job


@pytest.fixture
def importer(world, tmp_path, django_capture_on_commit_callbacks):
    return Importer(world, tmp_path, django_capture_on_commit_callbacks)


def issues(job) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    for issue in ImportIssue.objects.filter(job=job):
        found.setdefault(issue.row, []).append(f"{issue.column}：{issue.reason}")
    return {row: " / ".join(reasons) for row, reasons in found.items()}


def test_values_are_normalised_the_way_a_person_means_them(importer):
    # given: a title row above the headers, and values typed every which way
    rows = [
        ["2026年龙潭街道职工名册"],
        HEADER,
        [" 张三 ", ZHANG, "+86 138-1234-5678", "美团", "", "外卖骑手", "男", date(2020, 1, 2)],
        [
            "李四",
            LI.lower(),
            "86 139 0000 1111",
            " 顺丰速运 ",
            "龙潭街道双玉社区工会",
            "快递员",
            "",
            "2021/3/4",
        ],
        ["王五", "１１０１０１" + WANG[6:], "１３９００００２２２２", "", "BJ-DC-LT", "", "", ""],
        ["赵六", "", "139 0000 3333", "", "", "", "女", ""],
    ]
    # when
    job = importer.check(rows)
    # then
    assert job.state == ImportState.VALIDATED, job.message
    assert (job.counts["valid"], job.counts["rejected"]) == (4, 0), issues(job)
    assert not Worker.objects.exists()  # a dry run imports nothing
    job = importer.commit(job)
    assert job.counts["created"] == 4
    zhang = Worker.objects.get(name="张三")
    assert (zhang.gender, zhang.birth_date) == ("M", date(1990, 3, 7))
    assert zhang.phone_masked == "138****5678" and zhang.id_number_masked.endswith(ZHANG[-4:])
    assert zhang.employer.name == "美团" and zhang.employment_form == EmploymentForm.RIDER
    assert (zhang.membership_status, zhang.joined_on) == (MembershipStatus.MEMBER, date(2020, 1, 2))
    li = Worker.objects.get(name="李四")
    assert li.org.code == "bj-dc-lt-sy" and li.employer.name == "顺丰速运"
    assert li.joined_on == date(2021, 3, 4) and li.gender == "F"
    assert Worker.objects.get(name="王五").id_number_masked == WANG[:6] + "********" + WANG[-4:]
    assert Worker.objects.get(name="赵六").phone_masked == "139****3333"


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        (["张三", ZHANG[:-1]], "身份证号码", "18 位"),
        (["张三", ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")], "身份证号码", "校验位"),
        (["张三", an_id("19900230", "123")], "身份证号码", "出生日期不存在"),
        (["张三", an_id("20990101", "123")], "身份证号码", "出生日期不可能"),
        (["张三", float(ZHANG[:-1] + "0")], "身份证号码", "设置为“文本”格式"),
        (["张三", ZHANG, "010-12345678"], "手机号码", "不是有效的大陆手机号"),
        (["张三", ZHANG, "1381234567"], "手机号码", "不是有效的大陆手机号"),
        (["", ZHANG], "姓名", "缺少姓名"),
        (["张三", ZHANG, "", "", "新街口街道总工会"], "所属工会", "管理范围内"),
        (["张三", ZHANG, "", "", "不存在的工会"], "所属工会", "管理范围内"),
        (["张三", ZHANG, "", "", "", "宇航员"], "用工形式", "无法识别"),
        (["张三", ZHANG, "", "", "", "", "女"], "性别", "性别与身份证号不符"),
        (["张三", ZHANG, "", "", "", "", "", "2099-01-01"], "入会时间", "晚于今天"),
    ],
)
def test_each_bad_row_is_rejected_with_its_row_column_and_reason(importer, cells, column, reason):
    # given
    rows = [HEADER, ["李四", LI], cells + [""] * (len(HEADER) - len(cells))]
    # when
    job = importer.check(rows)
    # then: row 3 of the sheet, as the user sees it in Excel
    assert job.counts["rejected"] == 1 and job.counts["valid"] == 1
    found = issues(job)
    assert list(found) == [3]
    assert found[3].startswith(column) and reason in found[3], found[3]


@pytest.mark.parametrize("form", list(EmploymentForm))
def test_each_employment_form_is_read_as_the_console_names_it(importer, form):
    # the rejection message lists the console's names, so each of them must be accepted
    job = importer.check([HEADER, ["张三", ZHANG, "", "", "", str(form.label)]])
    assert job.counts["valid"] == 1, issues(job)


def test_a_second_row_with_an_id_already_in_the_file_is_rejected(importer):
    job = importer.check([HEADER, ["张三", ZHANG], ["李四", LI], ["张三", ZHANG.lower()]])
    assert issues(job) == {4: "身份证号码：与第 2 行重复：同一人在文件中出现了两次。"}


def test_a_person_registered_outside_the_subtree_cannot_be_imported(importer, world):
    # given: 张三 is in 新街口's register
    worker_create(
        scope=world.scope("xinjiekou_officer"),
        org=world.org("bj-xc-xjk"),
        name="张三",
        id_number=ZHANG,
    )
    # when: 龙潭's officer imports a row with the same ID
    job = importer.check([HEADER, ["张三", ZHANG], ["李四", LI]])
    # then: refused, and 新街口's record is left alone
    assert "管理范围以外" in issues(job)[2]
    importer.commit(job, only_good=True)
    assert Worker.objects.get(name="张三").org.code == "bj-xc-xjk"


def test_commit_is_all_or_nothing_unless_only_the_good_rows_are_chosen(importer):
    job = importer.check([HEADER, ["张三", ZHANG], ["", LI]])
    with pytest.raises(ApplicationError, match="有 1 行有错误"):
        importer.commit(job)
    assert not Worker.objects.exists()
    job = importer.commit(job, only_good=True)
    assert (job.state, job.counts["created"], job.counts["rejected"]) == ("committed", 1, 1)
    assert list(Worker.objects.values_list("name", flat=True)) == ["张三"]


@pytest.mark.parametrize(
    ("existing", "phone", "counts"),
    [
        ("update", "139****9999", {"created": 1, "updated": 1, "skipped": 0}),
        ("skip", "138****5678", {"created": 1, "updated": 0, "skipped": 1}),
    ],
)
def test_people_already_registered_are_updated_or_skipped(importer, world, existing, phone, counts):
    # given
    worker_create(
        scope=world.scope("longtan_officer"),
        org=world.org("bj-dc-lt"),
        name="张三",
        id_number=ZHANG,
        phone="13812345678",
    )
    # when
    job = importer.check([HEADER, ["张三", ZHANG, "13999999999"], ["李四", LI]])
    assert job.counts["existing"] == 1
    job = importer.commit(job, existing=existing)
    # then
    assert {k: job.counts[k] for k in counts} == counts
    assert Worker.objects.get(name="张三").phone_masked == phone
    assert Worker.objects.count() == 2


def test_an_update_keeps_the_registers_phone_when_the_file_has_none(importer, world):
    worker_create(
        scope=world.scope("longtan_officer"),
        org=world.org("bj-dc-lt"),
        name="张三",
        id_number=ZHANG,
        phone="13812345678",
    )
    job = importer.commit(importer.check([HEADER, ["张三", ZHANG, ""]]))
    assert job.counts["updated"] == 1
    assert Worker.objects.get(name="张三").phone_masked == "138****5678"


@pytest.mark.parametrize(
    ("writer", "name"),
    [
        (write_xlsx, "w.xlsx"),
        (write_xls, "w.xls"),
        (write_ods, "w.ods"),
        (write_csv, "w.csv"),
    ],
)
def test_every_spreadsheet_format_is_read(importer, writer, name):
    job = importer.check(
        [HEADER, ["张三", ZHANG, "13812345678"], ["李四", LI]], writer=writer, name=name
    )
    assert job.state == ImportState.VALIDATED, job.message
    assert job.counts["valid"] == 2


def test_a_gbk_csv_is_read(importer, tmp_path):
    def gbk(path, rows):
        return write_csv(path, rows, encoding="gb18030")

    job = importer.check([HEADER, ["张三", ZHANG]], writer=gbk, name="w.csv")
    assert job.counts["valid"] == 1


def test_the_errors_workbook_holds_the_original_rows_and_a_reason(importer):
    job = importer.check([HEADER, ["张三", ZHANG], ["李四", float(LI[:-1] + "0"), "138"]])
    sheet = CalamineWorkbook.from_path(str(pipeline.errors_path(job))).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][:4] == ["行号", "原因", "姓名", "身份证号码"]
    assert rows[1][0] == 3 and rows[1][2] == "李四"
    assert "文本" in rows[1][1] and "手机号码" in rows[1][1]


def test_missing_required_columns_fail_with_a_plain_message(importer):
    job = importer.check([["编号", "备注"], ["1", "x"]])
    assert job.state == ImportState.FAILED and "姓名" in job.message


def test_an_import_that_fails_half_way_leaves_no_rows(importer, monkeypatch):
    # given: a checked file whose commit dies after the rows are written, before the end
    job = importer.check([HEADER, ["张三", ZHANG], ["李四", LI]])
    import_commit(
        scope=importer.world.scope("longtan_officer"), job=job, only_good=False, enqueue=False
    )

    def die(**kwargs):
        assert Worker.objects.count() == 2  # the rows were in, inside the transaction
        raise RuntimeError("killed")

    monkeypatch.setattr(pipeline, "audit_record", die)
    # when
    with pytest.raises(RuntimeError):
        pipeline.commit_job(job.pk)
    # then
    assert not Worker.objects.exists()
    job.refresh_from_db()
    assert job.state == ImportState.FAILED


def test_a_commit_is_audited_with_its_counts(importer):
    job = importer.commit(importer.check([HEADER, ["张三", ZHANG]]))
    event = AuditEvent.objects.get(action="workers.import")
    assert event.actor_username == "longtan_officer" and event.org.code == "bj-dc-lt"
    assert event.changes["created"] == 1 and job.counts["created"] == 1


def test_the_cli_checks_and_commits(world, tmp_path, capsys):
    path = write_xlsx(tmp_path / "w.xlsx", [HEADER, ["张三", ZHANG], ["", LI]])
    call_command("import_workers", str(path), org="bj-dc-lt")
    out = capsys.readouterr().out
    assert "正确 1 行，未通过 1 行" in out and "第 3 行" in out and not Worker.objects.exists()
    call_command("import_workers", str(path), org="bj-dc-lt", commit=True, only_good=True)
    out = capsys.readouterr()
    assert "新增 1 人" in out.out and "校验中 100%" in out.err
    assert Worker.objects.get().org.code == "bj-dc-lt"


def test_the_cli_refuses_all_or_nothing_with_bad_rows(world, tmp_path):
    from django.core.management.base import CommandError

    path = write_xlsx(tmp_path / "w.xlsx", [HEADER, ["张三", ZHANG], ["", LI]])
    with pytest.raises(CommandError, match="有 1 行有错误"):
        call_command("import_workers", str(path), org="bj-dc-lt", commit=True)
    assert not Worker.objects.exists()


def test_a_one_pass_commit_updates_or_skips_people_already_registered(world, tmp_path):
    # given: 张三 already registered; the file has him with a new phone, and 李四
    worker_create(
        scope=world.scope("longtan_officer"),
        org=world.org("bj-dc-lt"),
        name="张三",
        id_number=ZHANG,
        phone="13812345678",
    )
    path = write_xlsx(tmp_path / "w.xlsx", [HEADER, ["张三", ZHANG, "13999999999"], ["李四", LI]])
    # when: checked and committed in one go, skipping, then updating
    call_command(
        "import_workers",
        str(path),
        org="bj-dc-lt",
        commit=True,
        existing="skip",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert Worker.objects.get(name="张三").phone_masked == "138****5678"
    call_command(
        "import_workers",
        str(path),
        org="bj-dc-lt",
        commit=True,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    # then
    assert Worker.objects.get(name="张三").phone_masked == "139****9999"
    assert Worker.objects.count() == 2


def test_a_one_pass_commit_refuses_people_registered_outside_the_subtree(world, tmp_path):
    worker_create(
        scope=world.scope("xinjiekou_officer"),
        org=world.org("bj-xc-xjk"),
        name="张三",
        id_number=ZHANG,
    )
    path = write_xlsx(tmp_path / "w.xlsx", [HEADER, ["张三", ZHANG], ["李四", LI]])
    call_command(
        "import_workers",
        str(path),
        org="bj-dc-lt",
        commit=True,
        only_good=True,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert Worker.objects.get(name="张三").org.code == "bj-xc-xjk"
    assert Worker.objects.get(name="李四").org.code == "bj-dc-lt"
    assert "管理范围以外" in ImportIssue.objects.get().reason


def test_the_one_pass_and_the_two_step_import_register_the_same(world, tmp_path, importer):
    rows = [
        HEADER,
        [" 张三 ", ZHANG, "+86 138-1234-5678", "美团", "", "外卖骑手", "男", date(2020, 1, 2)],
        ["李四", LI.lower(), "", "顺丰速运", "龙潭街道双玉社区工会", "快递员", "", ""],
        ["王五", WANG, "13900002222", "", "", "", "", "2021/3/4"],
    ]

    def register():
        return sorted(
            Worker.objects.values_list(
                "name",
                "name_pinyin",
                "name_initials",
                "gender",
                "birth_date",
                "id_number_index",
                "id_number_masked",
                "phone_index",
                "phone_masked",
                "phone_tail",
                "employer__name",
                "employment_form",
                "membership_status",
                "joined_on",
                "org__code",
                "left_reason",
            )
        )

    importer.commit(importer.check(rows))
    two_step = register()
    Worker.objects.all().delete()
    path = write_xlsx(tmp_path / "again.xlsx", rows)
    call_command(
        "import_workers",
        str(path),
        org="bj-dc-lt",
        commit=True,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert register() == two_step and len(two_step) == 3
