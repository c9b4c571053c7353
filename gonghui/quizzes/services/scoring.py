"""Scoring a sitting: every question weighs the same; a score is out of 100.

A multiple-choice question is right only with all and only its right options. Letters are
compared in the question's own option order (the paper's permutation is undone when an
answer is saved), so shuffling never changes a score.
"""

from __future__ import annotations

from dataclasses import dataclass

from gonghui.quizzes.models import LETTERS, Counting, QuestionKind


def normalise_letters(value: str | list[str] | None) -> str:
    """ "ca", ["C", "A"], "A,C" -> "AC": unique, upper case, sorted."""
    if value is None:
        return ""
    text = "".join(value) if isinstance(value, (list, tuple)) else str(value)
    return "".join(sorted({ch for ch in text.upper() if ch in LETTERS}))


def is_correct(kind: str, key: str, chosen: str) -> bool:
    chosen = normalise_letters(chosen)
    if not chosen:
        return False
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(chosen) != 1:
        return False
    return chosen == normalise_letters(key)


@dataclass(frozen=True)
class Marked:
    question_id: int
    chosen: str
    correct: bool


@dataclass(frozen=True)
class SittingScore:
    score: int
    correct_count: int
    total: int
    marked: list[Marked]


def score_sitting(
    paper: list[dict], answers: dict[str, str], keys: dict[int, tuple[str, str]]
) -> SittingScore:
    """``keys`` maps a question id to (kind, right letters)."""
    marked = []
    for item in paper:
        qid = item["q"]
        kind, key = keys[qid]
        chosen = normalise_letters(answers.get(str(qid), ""))
        marked.append(Marked(qid, chosen, is_correct(kind, key, chosen)))
    correct = sum(1 for m in marked if m.correct)
    total = len(paper)
    score = (200 * correct + total) // (2 * total) if total else 0  # half up, not to even
    return SittingScore(score, correct, total, marked)


def counted_score(counting: str, scores_in_order: list[int]) -> int | None:
    """The participant's score for the figures: their best or their last submitted sitting."""
    if not scores_in_order:
        return None
    return max(scores_in_order) if counting == Counting.BEST else scores_in_order[-1]


def passes(score: int | None, pass_mark: int) -> bool:
    return score is not None and score >= pass_mark
