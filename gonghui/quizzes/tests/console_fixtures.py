"""Banks, campaigns and results for the organiser-side tests. Results are written straight
into the tables the way a submitted sitting leaves them (the demo writes them the same way)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gonghui.core.crypto import blind_index, encrypt
from gonghui.core.pii import mask_phone
from gonghui.members.services import worker_create
from gonghui.quizzes.models import Participant, Question, Sitting, SittingAnswer
from gonghui.quizzes.services.banks import bank_create, question_create
from gonghui.quizzes.services.campaigns import (
    Quota,
    campaign_create,
    campaign_set_quotas,
    campaign_set_status,
)

ADMIN_OF = {"bj-dc": "dongcheng_admin", "bj-dc-lt": "longtan_admin", "bj-xc-xjk": "xinjiekou_admin"}
OFFICER_OF = {
    "bj-dc-lt": "longtan_officer",
    "bj-dc-lt-sy": "longtan_officer",
    "bj-xc-xjk": "xinjiekou_officer",
    "bj-xc-xjk-kd": "xinjiekou_officer",
}


def make_bank(world, org_code: str = "bj-dc", *, questions: int = 6, tag: str = "学习"):
    scope = world.scope(ADMIN_OF[org_code])
    bank = bank_create(scope=scope, org=world.org(org_code), name=f"{org_code}题库")
    for number in range(questions):
        question_create(
            scope=scope,
            bank=bank,
            kind="single",
            stem=f"第{number + 1}题：工会经费按工资总额的百分之几拨缴？",
            options=["1%", "2%", "3%"],
            answer="B",
            tags=[tag],
        )
    return bank


def make_campaign(world, org_code: str = "bj-dc", *, draw: int = 4, open_it: bool = True, **fields):
    scope = world.scope(ADMIN_OF[org_code])
    bank = make_bank(world, org_code)
    now = timezone.now()
    campaign = campaign_create(
        scope=scope,
        org=world.org(org_code),
        title=fields.pop("title", f"{world.org(org_code).name}学习答题"),
        starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=5),
        **fields,
    )
    campaign_set_quotas(scope=scope, campaign=campaign, quotas=[Quota(bank, "学习", draw)])
    if open_it:
        campaign_set_status(scope=scope, campaign=campaign, status="open")
    return campaign


_phones = iter(range(10**6))


def add_people(world, org_code: str, count: int, *, user: str = "") -> list:
    scope = world.scope(user or OFFICER_OF.get(org_code) or ADMIN_OF[org_code])
    return [
        worker_create(
            scope=scope,
            org=world.org(org_code),
            name=f"职工{n}",
            phone=f"1370{next(_phones):07d}",
        )
        for n in range(count)
    ]


def record_sitting(campaign, worker, *, right: list[bool], at=None, org=None) -> Participant:
    """One submitted sitting of ``worker``: the questions in order, right or wrong."""
    at = at or timezone.now() - timedelta(hours=1)
    phone = f"1990{worker.pk:07d}"
    questions = list(Question.objects.filter(bank__org=campaign.org).order_by("pk")[: len(right)])
    correct = sum(right)
    score = round(correct * 100 / len(right))
    participant = Participant.objects.create(
        campaign=campaign,
        worker=worker,
        org=org or worker.org,
        name=worker.name,
        phone_enc=encrypt("phone", phone),
        phone_index=blind_index("phone", phone)
        if worker.phone_index is None
        else worker.phone_index,
        phone_masked=worker.phone_masked or mask_phone(phone),
        sittings_count=1,
        submitted_count=1,
        best_score=score,
        counted_score=score,
        passed=score >= campaign.pass_mark,
        last_submitted_at=at,
    )
    sitting = Sitting.objects.create(
        campaign=campaign,
        participant=participant,
        org=participant.org,
        number=1,
        paper=[{"q": q.pk, "p": [0, 1, 2]} for q in questions],
        answers={},
        started_at=at - timedelta(minutes=5),
        deadline_at=at + timedelta(minutes=5),
        submitted_at=at,
        score=score,
        correct_count=correct,
        passed=score >= campaign.pass_mark,
    )
    SittingAnswer.objects.bulk_create(
        SittingAnswer(
            campaign=campaign,
            sitting=sitting,
            question=q,
            chosen="B" if ok else "A",
            is_correct=ok,
        )
        for q, ok in zip(questions, right, strict=True)
    )
    return participant
