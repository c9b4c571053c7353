"""Records of 新街口 for the route walk in core/tests/test_scope_routes.py: a question bank,
an open campaign and a submitted sitting of someone taking part. The campaign's title and
intro avoid the walk's markers on purpose: its landing page is public (posters, chat groups),
so anyone may see them; the bank's name and the participant carry "新街口" so a leak shows."""

from datetime import timedelta

from django.utils import timezone

from gonghui.core.crypto import blind_index, encrypt
from gonghui.quizzes.models import (
    CampaignStatus,
    Question,
    QuestionBank,
    QuizCampaign,
    TagQuota,
)
from gonghui.quizzes.services import sittings as svc

PHONE = "13700001234"


def make_samples(world, org) -> None:
    bank = QuestionBank.objects.create(org=org, name="新街口安全生产题库")
    Question.objects.bulk_create(
        Question(
            bank=bank,
            kind="single",
            stem=f"第{i}题",
            options=["甲", "乙", "丙"],
            answer="A",
            explanation="新街口解析",
            tags=["安全"],
        )  # fmt: skip
        for i in range(3)
    )
    now = timezone.now()
    campaign = QuizCampaign.objects.create(
        org=org, title="安全生产知识答题", intro="每人一次", starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=7), status=CampaignStatus.OPEN, allow_unregistered=True,
    )  # fmt: skip
    TagQuota.objects.create(campaign=campaign, bank=bank, tag="", count=2)
    person = svc.Person(blind_index("phone", PHONE), encrypt("phone", PHONE), None)
    participant = svc.participant_identify(
        campaign=campaign, person=person, name="新街口答题人", org=org
    )
    sitting = svc.sitting_start(participant=participant)
    svc.sitting_submit(sitting_id=sitting.pk, person=person)
    svc.forget_campaigns()
