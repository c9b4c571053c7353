"""The sample question spreadsheet in docs/samples/ (``write_sample()`` rewrites it): real-looking
questions in the columns unions use, with a few rows that the import rejects, so a new user
sees both the result and the reasons."""

from __future__ import annotations

from pathlib import Path

from gonghui.core.imports.testing import write_xlsx
from gonghui.quizzes.demo_questions import QUESTIONS

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "quiz-questions-sample.xlsx"
HEADER = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "选项F",
    "答案",
    "解析",
    "标签",
]
KINDS = {"S": "单选题", "M": "多选题", "T": "判断题"}
# Rows the import refuses, each for one reason (the sample's lesson).
BAD_ROWS = [
    ["填空题", "工会会员按月缴纳会费。", "", "", "", "", "", "", "对", "", "工会知识"],
    ["单选题", "", "对", "错", "", "", "", "", "A", "题干漏填", "工会知识"],
    [
        "单选题",
        "公交车进站应当？",
        "一停二看三起步",
        "快进快出",
        "",
        "",
        "",
        "",
        "C",
        "",
        "安全行车",
    ],
    [
        "单选题",
        "五一国际劳动节是哪天？",
        "5月1日",
        "5月4日",
        "8月1日",
        "",
        "",
        "",
        "A、B",
        "",
        "工会知识",
    ],
    ["判断题", "驾驶时可以使用手持电话。", "", "", "", "", "", "", "不一定", "", "安全行车"],
]
GOOD_ROWS = 24  # questions of the demo bank in the sample


def sample_rows() -> list[list]:
    rows = []
    for kind, stem, options, answer, explanation, tag in QUESTIONS[::2][:GOOD_ROWS]:
        cells = list(options or []) + [""] * (6 - len(options or []))
        rows.append([KINDS[kind], stem, *cells, answer, explanation, tag])
    for position, bad in zip((3, 8, 12, 17, 21), BAD_ROWS, strict=True):
        rows.insert(position, bad)
    return rows


def write_sample(path: Path = SAMPLE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx(path, [HEADER, *sample_rows()], text_columns=set(range(len(HEADER))))
