"""Question banks, campaigns and people for the quiz tests.

Banks and campaigns are the organiser side's to write (services/banks.py, campaigns.py);
these tests only need rows of the right shape, so they are created directly.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from gonghui.core.crypto import blind_index, encrypt
from gonghui.quizzes.models import (
    TRUE_FALSE_OPTIONS,
    CampaignStatus,
    Question,
    QuestionBank,
    QuizCampaign,
    TagQuota,
)
from gonghui.quizzes.services.sittings import Person

PHONE = "13812345678"


def add_bank(
    org, name: str = "二十大学习题库", *, single=6, multiple=4, true_false=4, tags=("党史",)
):
    """A bank with ``single`` single-choice questions (answer B), ``multiple`` multiple-choice
    ones (answer AC) and ``true_false`` ones (answer A, 正确), each tagged ``tags``."""
    bank = QuestionBank.objects.create(org=org, name=name)
    rows = []
    for i in range(single):
        rows.append(
            Question(
                bank=bank,
                kind="single",
                stem=f"单选题{i + 1}：下列哪项正确？",
                options=["甲", "乙", "丙", "丁"],
                answer="B",
                explanation=f"解析S{i + 1}",
                tags=list(tags),
            )  # fmt: skip
        )
    for i in range(multiple):
        rows.append(
            Question(
                bank=bank,
                kind="multiple",
                stem=f"多选题{i + 1}：哪些正确？",
                options=["甲", "乙", "丙", "丁", "戊"],
                answer="AC",
                explanation=f"解析M{i + 1}",
                tags=list(tags),
            )  # fmt: skip
        )
    for i in range(true_false):
        rows.append(
            Question(
                bank=bank,
                kind="true_false",
                stem=f"判断题{i + 1}：这句话对吗？",
                options=list(TRUE_FALSE_OPTIONS),
                answer="A",
                explanation=f"解析T{i + 1}",
                tags=list(tags),
            )  # fmt: skip
        )
    Question.objects.bulk_create(rows)
    return bank


def add_campaign(org, bank=None, *, quotas=((None, "", 5),), **fields) -> QuizCampaign:
    """An open campaign of ``org`` (a week from an hour ago) drawing by ``quotas``
    ((bank or None for ``bank``, tag, count), ...)."""
    now = timezone.now()
    values = {
        "title": "学习二十大 奋进新公交",
        "intro": "知识竞答",
        "starts_at": now - timedelta(hours=1),
        "ends_at": now + timedelta(days=7),
        "status": CampaignStatus.OPEN,
        "time_limit_seconds": 600,
        "sittings_allowed": 1,
        "pass_mark": 60,
        **fields,
    }
    campaign = QuizCampaign.objects.create(org=org, **values)
    for quota_bank, tag, count in quotas:
        TagQuota.objects.create(campaign=campaign, bank=quota_bank or bank, tag=tag, count=count)
    return campaign


def person(phone: str = PHONE, worker=None) -> Person:
    return Person(
        blind_index("phone", phone), encrypt("phone", phone), worker.pk if worker else None
    )


def right_answers(sitting) -> dict[str, str]:
    """The right answers of a sitting as its paper shows them (question id -> letters)."""
    from gonghui.quizzes.services.sittings import shown_letters

    keys = dict(
        Question.objects.filter(pk__in=[i["q"] for i in sitting.paper]).values_list("pk", "answer")
    )
    return {str(i["q"]): shown_letters(i, keys[i["q"]]) for i in sitting.paper}


def seeded(seed: int = 7) -> random.Random:
    return random.Random(seed)
