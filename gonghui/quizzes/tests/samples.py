"""Records of 新街口 for the route walk in core/tests/test_scope_routes.py: a question bank
with questions, and an open campaign drawing from it. Names carry "新街口" so a leak shows."""

from datetime import timedelta

from django.utils import timezone

from gonghui.quizzes.services.banks import bank_create, question_create
from gonghui.quizzes.services.campaigns import (
    Quota,
    campaign_create,
    campaign_set_quotas,
    campaign_set_status,
)


def make_samples(world, org) -> None:
    scope = world.scope("xinjiekou_officer")
    bank = bank_create(scope=scope, org=org, name="新街口题库")
    for number in range(3):
        question_create(
            scope=scope,
            bank=bank,
            kind="single",
            stem=f"新街口街道总工会第{number + 1}题？",
            options=["新街口甲", "新街口乙"],
            answer="A",
            tags=["新街口"],
        )
    now = timezone.now()
    campaign = campaign_create(
        scope=scope,
        org=org,
        title="新街口学习答题",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=6),
        offers_certificate=True,
    )
    campaign_set_quotas(scope=scope, campaign=campaign, quotas=[Quota(bank, "新街口", 2)])
    campaign_set_status(scope=scope, campaign=campaign, status="open")
