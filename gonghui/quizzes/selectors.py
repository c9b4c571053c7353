"""Reads of question banks and quiz campaigns for the staff console and API, always
through a Scope (DESIGN rule 1): a campaign or bank is seen by the staff of its union and
of the unions above it, never by a branch below it or a sibling."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from gonghui.core.errors import NotFoundError
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope, get_scoped
from gonghui.members.models import Worker
from gonghui.orgs.models import Org, OrgStatus
from gonghui.quizzes.models import (
    Participant,
    Question,
    QuestionBank,
    QuestionKind,
    QuizCampaign,
)


def bank_list(scope: Scope) -> QuerySet[QuestionBank]:
    return (
        scope.filter(QuestionBank.objects.select_related("org"))
        .annotate(
            question_count=Count("questions"),
            active_count=Count("questions", filter=Q(questions__is_active=True)),
        )
        .order_by("org__path", "name")
    )


def get_bank_for(scope: Scope, bank_id: int, *, perm: Perm = Perm.VIEW) -> QuestionBank:
    return get_scoped(scope, QuestionBank.objects.select_related("org"), perm=perm, pk=bank_id)


def question_list(
    bank: QuestionBank, *, q: str = "", kind: str = "", tag: str = "", active: str = ""
) -> list[Question]:
    """The bank's questions (``bank`` fetched through the scope), filtered. Tags are a JSON
    list, filtered here rather than in SQL: a bank holds hundreds of questions, not more,
    and SQLite has no JSON containment."""
    rows = Question.objects.filter(bank=bank).order_by("pk")
    if q:
        rows = rows.filter(stem__icontains=q)
    if kind in QuestionKind.values:
        rows = rows.filter(kind=kind)
    if active in ("1", "0"):
        rows = rows.filter(is_active=active == "1")
    found = list(rows)
    return [question for question in found if tag in question.tags] if tag else found


def bank_tags(bank: QuestionBank) -> list[tuple[str, int]]:
    """Each tag of the bank's active questions with how many carry it, most used first."""
    counts: dict[str, int] = {}
    for tags in Question.objects.filter(bank=bank, is_active=True).values_list("tags", flat=True):
        for tag in tags or []:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def get_question_for(scope: Scope, question_id: int, *, perm: Perm = Perm.VIEW) -> Question:
    question = (
        scope.filter(Question.objects.select_related("bank", "bank__org"), "bank__org")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise NotFoundError()
    scope.require(perm, question.bank.org)
    return question


def campaign_list(scope: Scope, *, status: str = "") -> QuerySet[QuizCampaign]:
    rows = scope.filter(QuizCampaign.objects.select_related("org"))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-starts_at", "-pk")


def get_campaign_for(scope: Scope, campaign_id: int, *, perm: Perm = Perm.VIEW) -> QuizCampaign:
    return get_scoped(scope, QuizCampaign.objects.select_related("org"), perm=perm, pk=campaign_id)


def campaign_branches(campaign: QuizCampaign) -> list[Org]:
    """The unions directly under the campaign's union: one poster link and QR code each."""
    org = campaign.org
    return list(
        Org.objects.filter(
            path__startswith=org.path, depth=org.depth + 1, status=OrgStatus.ACTIVE
        ).order_by("code")
    )


def campaign_unit(scope: Scope, campaign: QuizCampaign, code: str) -> Org:
    """A union of the campaign's subtree by code (a link for any unit, on request)."""
    org = Org.objects.filter(code=code, path__startswith=campaign.org.path).first()
    if org is None or not scope.covers(org):
        raise NotFoundError()
    return org


def eligible_workers(campaign: QuizCampaign, unit: Org | None = None) -> QuerySet[Worker]:
    """The workers the campaign is for under ``unit`` (default: its whole subtree),
    narrowed to its groups when it names any."""
    unit = unit or campaign.org
    workers = Worker.objects.filter(org__path__startswith=unit.path)
    groups = list(campaign.groups.values_list("pk", flat=True))
    if groups:
        workers = workers.filter(groups__in=groups).distinct()
    return workers


def participant_list(
    campaign: QuizCampaign, *, unit: Org | None = None, q: str = ""
) -> QuerySet[Participant]:
    rows = Participant.objects.filter(campaign=campaign).select_related("org")
    if unit is not None and unit.pk != campaign.org_id:
        rows = rows.filter(org__path__startswith=unit.path)
    if q:
        rows = rows.filter(Q(name__startswith=q) | Q(phone_masked__endswith=q[-4:]))
    return rows.order_by("-counted_score", "name", "pk")
