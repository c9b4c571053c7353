"""Importing quiz questions from the spreadsheets unions keep their question banks in:
题型, 题干, 选项A … 选项F, 答案, 解析, 标签 (and optionally 题库). Answers are written the
ways people write them (``AC``, ``A、C``, ``a,c``; ``对``, ``×``, ``正确``, ``T``); each row is
checked, and at commit created through ``question_create`` like one entered in the console.

Rows go into the bank named in their 题库 cell, else into the bank named after the file
(``学习二十大题库.xlsx`` -> 学习二十大题库), of the union the import is made for; a bank
that does not exist yet is created at commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.imports.columns import Column
from gonghui.core.imports.records import RecordImport, RowError, text
from gonghui.core.imports.spec import register_import
from gonghui.orgs.models import Org
from gonghui.quizzes.models import LETTERS, TRUE_FALSE_OPTIONS, Question, QuestionKind
from gonghui.quizzes.services.banks import (
    MIN_OPTIONS,
    bank_for_import,
    question_create,
    question_update,
)

OPTION_KEYS = tuple(f"option_{letter.lower()}" for letter in LETTERS)

COLUMNS = (
    Column("kind", gettext_lazy("Question type"), ("题型", "类型", "试题类型", "题目类型"), True),
    Column("stem", gettext_lazy("Question"), ("题干", "题目", "试题", "题目内容"), True),
    *(
        Column(
            key,
            gettext_lazy("Option %(letter)s") % {"letter": letter},
            (f"选项{letter}", f"{letter}选项", f"选项{letter.lower()}", letter),
        )
        for key, letter in zip(OPTION_KEYS, LETTERS, strict=True)
    ),
    Column("answer", gettext_lazy("Answer"), ("答案", "正确答案", "参考答案", "标准答案"), True),
    Column("explanation", gettext_lazy("Explanation"), ("解析", "答案解析", "试题解析")),
    Column("tags", gettext_lazy("Tags"), ("标签", "知识点", "分类")),
    Column("bank", gettext_lazy("Question bank"), ("题库", "题库名称")),
)

KIND_WORDS = {
    QuestionKind.SINGLE: ("单选", "单选题", "单项选择", "单项选择题", "单择题", "single"),
    QuestionKind.MULTIPLE: (
        "多选",
        "多选题",
        "多项选择",
        "多项选择题",
        "不定项",
        "不定项选择题",
        "multiple",
    ),
    QuestionKind.TRUE_FALSE: ("判断", "判断题", "是非题", "对错题", "true_false", "truefalse"),
}
KINDS = {word: kind for kind, words in KIND_WORDS.items() for word in words}
TRUE_WORDS = frozenset({"对", "正确", "√", "✓", "✔", "t", "true", "是", "y", "yes"})
FALSE_WORDS = frozenset({"错", "错误", "×", "✗", "✘", "x", "f", "false", "否", "n", "no"})
ANSWER_SEPARATORS = re.compile(r"[\s、，,;；/|]+")
TAG_SEPARATORS = re.compile(r"[\s、，,;；/|]+")


def parse_kind(value: str) -> str:
    kind = KINDS.get(value.replace(" ", "").lower())
    if kind is None:
        raise RowError(
            "kind",
            _("“%(value)s” is not a question type: write 单选, 多选 or 判断.") % {"value": value}
            if value
            else _("The question type is missing: write 单选, 多选 or 判断."),
        )
    return kind


def parse_true_false(value: str) -> str:
    word = value.replace(" ", "").lower()
    if word in TRUE_WORDS or word == "a":
        return "A"
    if word in FALSE_WORDS or word == "b":
        return "B"
    raise RowError(
        "answer",
        _("“%(value)s” is not a true/false answer: write 对 or 错 (正确/错误, √/×, T/F).")
        % {"value": value},
    )


def parse_options(values: dict[str, Any]) -> list[str]:
    cells = [text(values, key) for key in OPTION_KEYS]
    while cells and not cells[-1]:
        cells.pop()
    for letter, cell in zip(LETTERS, cells, strict=False):
        if not cell:
            raise RowError(
                f"option_{letter.lower()}",
                _("Option %(letter)s is empty while a later option is filled in.")
                % {"letter": letter},
            )
    if len(set(cells)) < len(cells):
        raise RowError("option_a", _("Two options have the same text."))
    return cells


def parse_letters(value: str, kind: str, options: list[str]) -> str:
    letters = "".join(ANSWER_SEPARATORS.split(value.upper()))
    if not letters:
        raise RowError("answer", _("The answer is missing."))
    bad = sorted({c for c in letters if c not in LETTERS})
    if bad:
        raise RowError(
            "answer",
            _("“%(value)s” is not an answer: write the letters of the right options, e.g. A or AC.")
            % {"value": value},
        )
    missing = sorted({c for c in letters if LETTERS.index(c) >= len(options)})
    if missing:
        raise RowError(
            "answer",
            _("The answer names option %(letters)s, which has no text.")
            % {"letters": "、".join(missing)},
        )
    answer = "".join(sorted(set(letters)))
    if kind == QuestionKind.SINGLE and len(answer) > 1:
        raise RowError(
            "answer",
            _("A single-choice question has one right answer, not %(answer)s; make it 多选.")
            % {"answer": answer},
        )
    if kind == QuestionKind.MULTIPLE and len(answer) < 2:
        raise RowError(
            "answer",
            _("A multiple-choice question needs at least two right answers; make it 单选."),
        )
    return answer


def parse_question(values: dict[str, Any]) -> dict[str, Any]:
    """The plain values of one question row; RowError for the first problem found."""
    kind = parse_kind(text(values, "kind"))
    stem = text(values, "stem")
    if not stem:
        raise RowError("stem", _("The question text is missing."))
    if kind == QuestionKind.TRUE_FALSE:
        options = list(TRUE_FALSE_OPTIONS)
        answer = parse_true_false(text(values, "answer"))
    else:
        options = parse_options(values)
        needed = MIN_OPTIONS[kind]
        if len(options) < needed:
            raise RowError(
                "option_a",
                _("A %(kind)s question needs at least %(n)s options.")
                % {"kind": QuestionKind(kind).label, "n": needed},
            )
        answer = parse_letters(text(values, "answer"), kind, options)
    tags = [t for t in TAG_SEPARATORS.split(text(values, "tags")) if t]
    return {
        "kind": str(kind),
        "stem": stem[:1000],
        "options": [o[:200] for o in options],
        "answer": answer,
        "explanation": text(values, "explanation")[:2000],
        "tags": sorted(set(t[:20] for t in tags), key=tags.index),
    }


@dataclass
class Context:
    org_id: int
    default_bank: str


def bank_name_for_file(file_name: str) -> str:
    stem = Path(file_name).stem.strip()
    return (stem or _("Imported questions"))[:100]


class QuestionImport(RecordImport):
    kind = "quiz_questions"
    title = gettext_lazy("Quiz questions")
    columns = COLUMNS
    duplicate_column = gettext_lazy("Question")
    register_url_name = "quizzes:banks"

    def prepare(self, job, scope) -> Context:
        return Context(job.org_id, bank_name_for_file(job.file_name))

    def parse_row(self, context: Context, values: dict[str, Any]) -> dict[str, Any]:
        data = parse_question(values)
        data["bank"] = text(values, "bank")[:100] or context.default_bank
        data["org_id"] = context.org_id
        return data

    def key(self, data) -> str:
        return f"{data['bank']}:{data['stem']}"

    def existing(self, scope, data):
        return Question.objects.filter(
            bank__org_id=data["org_id"], bank__name=data["bank"], stem=data["stem"]
        ).first()

    def create(self, scope, job, data) -> None:
        org = Org.objects.get(pk=data["org_id"])
        bank = bank_for_import(scope=scope, org=org, name=data["bank"])
        question_create(scope=scope, bank=bank, **_fields(data))

    def update(self, scope, job, record, data) -> None:
        question_update(scope=scope, question=record, **_fields(data))


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in {"bank", "org_id"}}


register_import(QuestionImport())
