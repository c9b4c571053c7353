"""Question banks and questions: the services' rules and the console pages."""

import pytest

from gonghui.core.errors import ApplicationError, ForbiddenError
from gonghui.core.models import AuditEvent
from gonghui.quizzes.models import Question
from gonghui.quizzes.services.banks import bank_create, question_create, question_update


@pytest.fixture
def bank(world):
    return bank_create(
        scope=world.scope("longtan_officer"), org=world.org("bj-dc-lt"), name="龙潭题库"
    )


def _single(world, bank, **changes):
    fields = {
        "kind": "single",
        "stem": "工会经费按职工工资总额的百分之几拨缴？",
        "options": ["1%", "2%", "3%", ""],
        "answer": "b",
        "explanation": "《工会法》第四十三条",
        "tags": ["工会知识", "工会知识", " "],
    }
    return question_create(scope=world.scope("longtan_officer"), bank=bank, **{**fields, **changes})


def test_a_question_is_stored_canonical_and_audited(world, bank):
    question = _single(world, bank)
    assert (question.options, question.answer, question.tags) == (
        ["1%", "2%", "3%"],
        "B",
        ["工会知识"],
    )
    assert AuditEvent.objects.filter(action="quizzes.question_create", org=bank.org).exists()


def test_a_true_false_question_gets_the_two_fixed_options(world, bank):
    question = _single(world, bank, kind="true_false", options=[], answer="B")
    assert question.options == ["正确", "错误"] and question.answer == "B"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "essay"}, "kind"),
        ({"stem": "  "}, "stem"),
        ({"answer": "D"}, "answer"),
        ({"answer": "AB"}, "answer"),
        ({"kind": "multiple", "answer": "A"}, "answer"),
        ({"options": ["只有一个"]}, "options"),
        ({"options": ["1%", "", "3%"]}, "options"),
        ({"options": ["1%", "1%", "3%"]}, "options"),
    ],
)
def test_bad_questions_are_refused_field_by_field(world, bank, changes, field):
    with pytest.raises(ApplicationError) as caught:
        _single(world, bank, **changes)
    assert field in caught.value.fields
    assert not Question.objects.exists()


def test_a_bank_name_is_unique_within_its_union(world, bank):
    with pytest.raises(ApplicationError) as caught:
        bank_create(scope=world.scope("longtan_officer"), org=bank.org, name="龙潭题库")
    assert "同名" in caught.value.fields["name"][0]


def test_an_officer_cannot_write_into_a_sibling_unions_bank(world, bank):
    with pytest.raises(ForbiddenError):
        question_create(
            scope=world.scope("xinjiekou_officer"),
            bank=bank,
            kind="single",
            stem="越权？",
            options=["是", "否"],
            answer="A",
        )


def test_updating_a_question_keeps_its_history_in_the_audit_log(world, bank):
    question = _single(world, bank)
    question_update(
        scope=world.scope("longtan_officer"),
        question=question,
        kind="single",
        stem=question.stem,
        options=["1%", "2%"],
        answer="B",
        is_active=False,
    )
    question.refresh_from_db()
    assert question.options == ["1%", "2%"] and not question.is_active
    event = AuditEvent.objects.get(action="quizzes.question_update")
    assert event.changes["is_active"] == [True, False]


def test_bank_pages_list_preview_and_hide_the_key_until_asked(world, bank, login):
    question = _single(world, bank)
    client = login("longtan_officer")
    listing = client.get("/quizzes/banks/").content.decode()
    assert "龙潭题库" in listing
    detail = client.get(f"/quizzes/banks/{bank.pk}/").content.decode()
    assert question.stem in detail
    preview = client.get(f"/quizzes/questions/{question.pk}/").content.decode()
    assert 'data-testid="question-key"' not in preview and "q-right" not in preview
    shown = client.get(f"/quizzes/questions/{question.pk}/?key=1").content.decode()
    assert 'data-testid="question-key"' in shown and "q-right" in shown


def test_a_question_is_added_and_edited_in_the_console(world, bank, login):
    client = login("longtan_officer")
    form = {
        "kind": "multiple",
        "stem": "以下属于工会工作的有？",
        "option_a": "送温暖",
        "option_b": "劳动竞赛",
        "option_c": "定工资",
        "answer": ["A", "B"],
        "tags": "工会知识、二十大",
        "is_active": "on",
    }
    response = client.post(f"/quizzes/banks/{bank.pk}/questions/new/", form)
    question = Question.objects.get()
    assert response.status_code == 302 and question.answer == "AB"
    assert question.tags == ["工会知识", "二十大"]
    response = client.post(f"/quizzes/questions/{question.pk}/edit/", {**form, "answer": ["A"]})
    assert response.status_code == 200 and "至少要有两个正确答案" in response.content.decode()


def test_a_sibling_union_sees_neither_the_bank_nor_its_questions(world, bank, login):
    question = _single(world, bank)
    client = login("xinjiekou_officer")
    assert "龙潭题库" not in client.get("/quizzes/banks/").content.decode()
    assert client.get(f"/quizzes/banks/{bank.pk}/").status_code == 404
    assert client.get(f"/quizzes/questions/{question.pk}/").status_code == 404
    assert client.get(f"/quizzes/questions/{question.pk}/edit/").status_code == 404
