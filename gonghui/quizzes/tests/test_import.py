"""Importing quiz questions from a spreadsheet through the core import pipeline."""

import pytest

from gonghui.core.imports.services import import_commit, import_start
from gonghui.core.imports.testing import write_xlsx
from gonghui.core.models import AuditEvent, ImportIssue, ImportState
from gonghui.quizzes.models import Question, QuestionBank

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "标签"]
SINGLE = [
    "单选题",
    "工会经费按职工工资总额的百分之几拨缴？",
    "1%",
    "2%",
    "3%",
    "",
    "B",
    "工会法",
    "工会知识",
]
MULTIPLE = [
    "多选",
    "以下属于工会工作的有？",
    "送温暖",
    "劳动竞赛",
    "协调劳动关系",
    "定工资",
    "A、B、C",
    "",
    "工会知识、二十大",
]
TRUE_FALSE = ["判断题", "快递员可以加入工会。", "", "", "", "", "√", "", "工会知识"]


@pytest.fixture
def run(world, tmp_path, django_capture_on_commit_callbacks):
    def _run(rows, *, commit=False, user="longtan_officer", name="学习题库.xlsx", header=HEADER):
        path = write_xlsx(tmp_path / "questions.xlsx", [header, *rows])
        scope = world.scope(user)
        with django_capture_on_commit_callbacks(execute=True), path.open("rb") as handle:
            job = import_start(
                scope=scope,
                kind="quiz_questions",
                org=world.org("bj-dc-lt"),
                upload=handle,
                file_name=name,
            )
        job.refresh_from_db()
        if commit:
            with django_capture_on_commit_callbacks(execute=True):
                import_commit(scope=scope, job=job, only_good=True)
            job.refresh_from_db()
        return job

    return _run


def test_good_rows_become_questions_of_the_bank_named_like_the_file(run):
    # when
    job = run([SINGLE, MULTIPLE, TRUE_FALSE], commit=True)
    # then
    assert job.state == ImportState.COMMITTED and job.counts["created"] == 3
    bank = QuestionBank.objects.get()
    assert (bank.name, bank.org.code) == ("学习题库", "bj-dc-lt")
    single, multiple, true_false = Question.objects.order_by("pk")
    assert (single.kind, single.options, single.answer) == ("single", ["1%", "2%", "3%"], "B")
    assert (multiple.kind, multiple.answer, multiple.tags) == (
        "multiple",
        "ABC",
        ["工会知识", "二十大"],
    )
    assert (true_false.kind, true_false.options, true_false.answer) == (
        "true_false",
        ["正确", "错误"],
        "A",
    )
    assert AuditEvent.objects.filter(action="quizzes.question_create").count() == 3


def test_a_bank_column_sends_rows_to_that_bank(run):
    header = [*HEADER, "题库"]
    job = run([[*SINGLE, "安全题库"], [*TRUE_FALSE, ""]], commit=True, header=header)
    assert job.counts["created"] == 2
    assert set(QuestionBank.objects.values_list("name", flat=True)) == {"安全题库", "学习题库"}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("对", "A"), ("错", "B"), ("正确", "A"), ("错误", "B"), ("×", "B"), ("T", "A"), ("F", "B")],
)
def test_true_false_answers_are_read_as_people_write_them(run, answer, expected):
    row = [*TRUE_FALSE]
    row[6] = answer
    run([row], commit=True)
    assert Question.objects.get().answer == expected


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (0, "填空题", "不是可识别的题型"),  # unknown type
        (0, "", "缺少题型"),
        (1, "", "缺少题干"),
        (6, "D", "没有内容"),  # an answer letter with no option
        (6, "AB", "只有一个正确答案"),  # a single choice with two answers
        (6, "", "缺少答案"),
        (6, "甲", "不是有效的答案"),
        (3, "", "选项B为空"),  # a gap between options
        (3, "1%", "相同"),  # two options alike
    ],
)
def test_bad_rows_are_rejected_with_a_reason_in_plain_chinese(run, column, value, reason):
    row = [*SINGLE]
    row[column] = value
    job = run([row])
    [issue] = ImportIssue.objects.filter(job=job)
    assert issue.row == 2 and reason in issue.reason, issue.reason


def test_too_few_options_are_rejected(run):
    row = ["单选", "只有一个选项？", "唯一", "", "", "", "A", "", ""]
    job = run([row])
    [issue] = ImportIssue.objects.filter(job=job)
    assert "至少需要2个选项" in issue.reason, issue.reason


def test_a_multiple_choice_with_one_answer_is_rejected(run):
    row = [*MULTIPLE]
    row[6] = "A"
    [issue] = ImportIssue.objects.filter(job=run([row]))
    assert "至少要有两个正确答案" in issue.reason, issue.reason


def test_a_true_false_answer_that_is_neither_is_rejected(run):
    row = [*TRUE_FALSE]
    row[6] = "也许"
    [issue] = ImportIssue.objects.filter(job=run([row]))
    assert "对或错" in issue.reason, issue.reason


def test_the_same_question_twice_in_a_file_is_rejected(run):
    job = run([SINGLE, SINGLE])
    assert job.counts["rejected"] == 1


def test_an_existing_question_is_updated(run):
    run([SINGLE], commit=True)
    row = [*SINGLE]
    row[7] = "《工会法》第四十三条"
    job = run([row], commit=True)
    assert job.counts["updated"] == 1
    assert Question.objects.get().explanation == "《工会法》第四十三条"


def test_the_sample_file_has_its_five_planted_errors(
    world, tmp_path, django_capture_on_commit_callbacks
):
    from gonghui.quizzes.sample import GOOD_ROWS, write_sample

    path = write_sample(tmp_path / "学习二十大题库.xlsx")
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as handle:
        job = import_start(
            scope=world.scope("longtan_officer"),
            kind="quiz_questions",
            org=world.org("bj-dc-lt"),
            upload=handle,
            file_name=path.name,
        )
    job.refresh_from_db()
    reasons = dict(ImportIssue.objects.filter(job=job).values_list("row", "reason"))
    assert job.counts["valid"] == GOOD_ROWS
    assert sorted(reasons) == [5, 10, 14, 19, 23]
    assert "不是可识别的题型" in reasons[5] and "缺少题干" in reasons[10]
    assert "没有内容" in reasons[14] and "只有一个正确答案" in reasons[19]
    assert "不是判断题答案" in reasons[23]
