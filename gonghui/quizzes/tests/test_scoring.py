"""Scoring for each question type, and which sitting counts."""

import pytest

from gonghui.quizzes.services.scoring import (
    counted_score,
    is_correct,
    normalise_letters,
    passes,
    score_sitting,
)


def test_letters_are_normalised_whatever_the_form():
    assert normalise_letters("ca") == "AC"
    assert normalise_letters(["C", "A", "A"]) == "AC"
    assert normalise_letters("A, C") == "AC"
    assert normalise_letters("xyz") == ""
    assert normalise_letters(None) == ""


@pytest.mark.parametrize(
    ("chosen", "right"), [("B", True), ("b", True), ("A", False), ("", False), ("AB", False)]
)
def test_single_choice_is_right_with_its_one_option(chosen, right):
    assert is_correct("single", "B", chosen) is right


@pytest.mark.parametrize(
    ("chosen", "right"),
    [("AC", True), ("CA", True), ("A", False), ("ACD", False), ("BD", False), ("", False)],
)
def test_multiple_choice_needs_all_and_only_the_right_options(chosen, right):
    assert is_correct("multiple", "AC", chosen) is right


@pytest.mark.parametrize(("chosen", "right"), [("A", True), ("B", False), ("AB", False)])
def test_true_false(chosen, right):
    assert is_correct("true_false", "A", chosen) is right


def test_a_sitting_scores_out_of_100_with_every_question_equal():
    # given three questions, two answered right
    paper = [{"q": 1, "k": "single", "p": [0, 1, 2, 3]}, {"q": 2, "k": "multiple", "p": [0, 1, 2]},
             {"q": 3, "k": "true_false", "p": [0, 1]}]  # fmt: skip
    keys = {1: ("single", "B"), 2: ("multiple", "AC"), 3: ("true_false", "A")}
    # when
    result = score_sitting(paper, {"1": "B", "2": "A", "3": "A"}, keys)
    # then 2/3 rounds half up to 67
    assert (result.score, result.correct_count, result.total) == (67, 2, 3)
    assert [m.correct for m in result.marked] == [True, False, True]


def test_half_marks_round_up():
    paper = [{"q": i, "k": "single", "p": [0, 1]} for i in range(8)]
    keys = {i: ("single", "A") for i in range(8)}
    answers = {str(i): "A" for i in range(3)}  # 3/8 = 37.5
    assert score_sitting(paper, answers, keys).score == 38


def test_an_unanswered_paper_scores_zero():
    paper = [{"q": 1, "k": "single", "p": [0, 1]}]
    assert score_sitting(paper, {}, {1: ("single", "A")}).score == 0


def test_best_or_last_sitting_counts():
    assert counted_score("best", [70, 90, 60]) == 90
    assert counted_score("last", [70, 90, 60]) == 60
    assert counted_score("best", []) is None


def test_pass_mark_is_inclusive():
    assert passes(60, 60) and not passes(59, 60) and not passes(None, 60)
