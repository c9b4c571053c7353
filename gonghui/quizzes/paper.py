"""What a worker sees of their paper: the questions in the sitting's order with the options
in its shuffled order, their answers in the letters shown to them, and, only once the
sitting is submitted and the campaign shows answers, the right letters and explanations.

This is the one place that reads questions for a worker. Before submission it does not even
load ``answer`` or ``explanation`` from the database, so no page or API response built from
it can carry the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from gonghui.quizzes.models import LETTERS, Question, QuestionKind, QuizCampaign, Sitting
from gonghui.quizzes.services.sittings import question_texts, shown_letters


@dataclass(frozen=True)
class OptionView:
    letter: str
    text: str
    chosen: bool
    right: bool | None  # None: not revealed


@dataclass(frozen=True)
class QuestionView:
    number: int
    id: int
    kind: str
    kind_label: str
    stem: str
    options: list[OptionView]
    chosen: str  # letters as shown
    right: str | None  # letters as shown, once revealed
    correct: bool | None
    explanation: str

    @property
    def multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE


def reveals(sitting: Sitting, campaign: QuizCampaign) -> bool:
    return sitting.submitted_at is not None and campaign.show_answers


def paper_view(sitting: Sitting, campaign: QuizCampaign) -> list[QuestionView]:
    reveal = reveals(sitting, campaign)
    ids = [item["q"] for item in sitting.paper]
    if not reveal:
        questions = question_texts(ids)  # kind, stem and options only
    elif (questions := getattr(sitting, "questions_read", None)) is None:
        # (a submission on PostgreSQL has read them already: services/hotpath.py)
        fields = ["id", "kind", "stem", "options", "answer", "explanation"]
        questions = {q.pk: q for q in Question.objects.filter(pk__in=ids).only(*fields)}
    labels = dict(QuestionKind.choices)
    views = []
    for number, item in enumerate(sitting.paper, start=1):
        question = questions[item["q"]]
        chosen = shown_letters(item, sitting.answers.get(str(question.pk), ""))
        right = shown_letters(item, question.answer) if reveal else None
        options = [
            OptionView(
                LETTERS[position],
                question.options[index],
                LETTERS[position] in chosen,
                (LETTERS[position] in right) if right is not None else None,
            )
            for position, index in enumerate(item["p"])
        ]
        views.append(
            QuestionView(
                number=number,
                id=question.pk,
                kind=question.kind,
                kind_label=str(labels.get(question.kind, "")),
                stem=question.stem,
                options=options,
                chosen=chosen,
                right=right,
                correct=(chosen == right) if right is not None else None,
                explanation=question.explanation if reveal else "",
            )
        )
    return views
