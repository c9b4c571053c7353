"""The staff API of online quizzes (/api/v1/quizzes/): campaigns, their live figures and
ranking within the caller's scope, and importing questions into a bank (upload, poll,
commit) as the workers import does. Thin: the rules are in the services and selectors."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.core.api import responses
from gonghui.core.imports.reading import check_suffix
from gonghui.core.imports.selectors import get_import_for, import_issue_count, import_issues
from gonghui.core.imports.services import import_commit, import_start
from gonghui.core.models import ImportJob, ImportState
from gonghui.core.permissions import Perm
from gonghui.quizzes import selectors
from gonghui.quizzes.figures import campaign_figures, campaign_summary
from gonghui.quizzes.imports import QuestionImport
from gonghui.quizzes.models import CampaignStatus, Counting, QuizCampaign
from gonghui.quizzes.ranking import MEASURES

router = Router(tags=["quizzes (staff)"])
KIND = QuestionImport.kind
API_ERRORS = 1000


class QuizCampaignFilter(Schema):
    status: CampaignStatus | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class QuizTotalsOut(Schema):
    eligible: int = Field(description="Workers of the subtree the campaign is for")
    participants: int = Field(description="People who submitted a sitting")
    participation_rate: float = Field(description="participants / eligible, 0..1 (may pass 1)")
    average_score: float
    passed: int
    high_scores: int


class QuizCampaignOut(Schema):
    id: int
    title: str
    org: str = Field(description="Code of the organising union")
    org_name: str
    status: CampaignStatus
    starts_at: datetime
    ends_at: datetime
    totals: QuizTotalsOut


class QuizQuotaOut(Schema):
    bank_id: int
    bank: str
    tag: str = Field(description="Empty: any tag")
    count: int


class QuizCampaignDetailOut(QuizCampaignOut):
    intro: str
    groups: list[str] = Field(description="Worker group codes; empty: everyone")
    time_limit_seconds: int
    sittings_allowed: int
    counting: Counting
    pass_mark: int
    high_score_mark: int
    show_answers: bool
    allow_unregistered: bool
    offers_certificate: bool
    ranking_weights: dict[str, float]
    quotas: list[QuizQuotaOut]
    link: str = Field(description="The campaign's page for posters and chat groups")


class QuizCampaignPage(Schema):
    count: int
    results: list[QuizCampaignOut]


class QuizUnitOut(Schema):
    org: str
    name: str
    own: bool = Field(description="The union's own workers rather than a union below it")
    eligible: int
    participants: int
    participation_rate: float
    average_score: float
    passed: int
    high_scores: int


class QuizQuestionRateOut(Schema):
    question_id: int
    stem: str
    answered: int
    wrong: int
    error_rate: float = Field(description="Percent")


class QuizBucketOut(Schema):
    scores: str = Field(description="e.g. 80–89")
    participants: int


class QuizTimeOut(Schema):
    at: datetime = Field(description="Start of the day or hour, local time")
    sittings: int


class QuizFiguresOut(Schema):
    campaign_id: int
    unit: str = Field(description="Code of the union the figures are for")
    as_of: datetime
    sittings: int
    total: QuizUnitOut
    by_unit: list[QuizUnitOut]
    score_distribution: list[QuizBucketOut]
    questions: list[QuizQuestionRateOut] = Field(description="Highest error rate first")
    over_time: list[QuizTimeOut]
    per_hour: bool


class QuizRankedOut(Schema):
    rank: int
    org: str
    name: str
    index: float = Field(description="Weighted mean of the three measures, 0..1")
    participation_rate: float
    average_score: float
    high_score_share: float


class QuizRankingOut(Schema):
    campaign_id: int
    as_of: datetime
    weights: dict[str, float]
    rule: str
    ranking: list[QuizRankedOut]


class QuizImportCountsOut(Schema):
    valid: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0


class QuizImportErrorOut(Schema):
    row: int
    column: str
    reason: str


class QuizImportJobOut(Schema):
    id: int
    state: ImportState
    progress: float
    counts: QuizImportCountsOut
    errors: list[QuizImportErrorOut] = Field(description="The first 1,000 errors, in row order")
    errors_total: int
    message: str
    file_name: str = Field(description="The bank's name: where rows naming no bank go")
    org: str
    created_at: datetime


class QuizImportCommitIn(Schema):
    only_good: bool = Field(False, description="Import the good rows even if some are rejected")
    existing: Literal["update", "skip"] = Field(
        "update", description="Questions already in the bank (same text): update or skip them"
    )


RULE = (
    "index = Σ weight × measure / Σ weights, each measure on 0..1 (participation rate capped "
    "at 1, average score / 100, share of high scores); ties: higher participation rate, then "
    "higher average score, then org code"
)


def _totals(campaign: QuizCampaign) -> dict:
    total = campaign_summary(campaign)
    return {
        "eligible": total.eligible,
        "participants": total.participants,
        "participation_rate": round(total.rate, 4),
        "average_score": round(total.average, 2),
        "passed": total.passed,
        "high_scores": total.high,
    }


def _campaign(campaign: QuizCampaign) -> dict:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "org": campaign.org.code,
        "org_name": campaign.org.name,
        "status": campaign.status,
        "starts_at": campaign.starts_at,
        "ends_at": campaign.ends_at,
        "totals": _totals(campaign),
    }


def _unit(line) -> dict:
    return {
        "org": line.org.code,
        "name": line.label,
        "own": line.is_self,
        "eligible": line.eligible,
        "participants": line.participants,
        "participation_rate": round(line.rate, 4),
        "average_score": round(line.average, 2),
        "passed": line.passed,
        "high_scores": line.high,
    }


def _job(job: ImportJob) -> dict:
    counts = job.counts or {}
    issues = import_issues(job, limit=API_ERRORS)
    total = import_issue_count(job) if len(issues) == API_ERRORS else len(issues)
    return {
        "id": job.pk,
        "state": job.state,
        "progress": job.progress,
        "counts": {key: counts.get(key, 0) for key in QuizImportCountsOut.model_fields},
        "errors": [{"row": i.row, "column": i.column, "reason": i.reason} for i in issues],
        "errors_total": total,
        "message": job.message,
        "file_name": job.file_name,
        "org": job.org.code,
        "created_at": job.created_at,
    }


def _figures_unit(request, campaign: QuizCampaign, unit: str):
    return selectors.campaign_unit(request.scope, campaign, unit) if unit else None


# Imports first: their paths would otherwise be read as ids.


@router.post(
    "/banks/{questionbank_id}/imports",
    response=responses(201, QuizImportJobOut),
    summary="Upload a spreadsheet of questions into a bank; every row is checked (a dry run)",
)
def start_question_import(request, questionbank_id: int, file: File[UploadedFile]):
    scope = request.scope
    bank = selectors.get_bank_for(scope, questionbank_id, perm=Perm.EDIT)
    suffix = check_suffix(file.name or "")
    job = import_start(
        scope=scope, kind=KIND, org=bank.org, upload=file, file_name=f"{bank.name}{suffix}"
    )
    job.refresh_from_db()
    return Status(201, _job(job))


@router.get(
    "/imports/{importjob_id}",
    response=responses(200, QuizImportJobOut, 404),
    summary="A question import's state, progress, counts and errors (poll while it runs)",
)
def get_question_import(request, importjob_id: int):
    return _job(get_import_for(request.scope, importjob_id, kind=KIND))


@router.post(
    "/imports/{importjob_id}/commit",
    response=responses(202, QuizImportJobOut),
    summary="Add the checked questions to the bank (all, or only the good ones)",
)
def commit_question_import(request, importjob_id: int, payload: QuizImportCommitIn):
    scope = request.scope
    job = get_import_for(scope, importjob_id, perm=Perm.EDIT, kind=KIND)
    import_commit(scope=scope, job=job, only_good=payload.only_good, existing=payload.existing)
    job.refresh_from_db()
    return Status(202, _job(job))


@router.get(
    "/campaigns",
    response=responses(200, QuizCampaignPage, 401),
    summary="Quiz campaigns you may see, newest first, with their totals",
)
def list_campaigns(request, filters: Query[QuizCampaignFilter]):
    rows = selectors.campaign_list(request.scope, status=filters.status or "")
    start = (filters.page - 1) * filters.page_size
    page = list(rows[start : start + filters.page_size])
    return {"count": rows.count(), "results": [_campaign(c) for c in page]}


@router.get(
    "/campaigns/{quizcampaign_id}",
    response=responses(200, QuizCampaignDetailOut, 404),
    summary="One campaign: its settings, paper quotas and poster link",
)
def get_campaign(request, quizcampaign_id: int):
    from gonghui.quizzes.links import campaign_link

    campaign = selectors.get_campaign_for(request.scope, quizcampaign_id)
    quotas = campaign.quotas.select_related("bank")
    return {
        **_campaign(campaign),
        "intro": campaign.intro,
        "groups": sorted(campaign.groups.values_list("code", flat=True)),
        "time_limit_seconds": campaign.time_limit_seconds,
        "sittings_allowed": campaign.sittings_allowed,
        "counting": campaign.counting,
        "pass_mark": campaign.pass_mark,
        "high_score_mark": campaign.high_score_mark,
        "show_answers": campaign.show_answers,
        "allow_unregistered": campaign.allow_unregistered,
        "offers_certificate": campaign.offers_certificate,
        "ranking_weights": {k: float(campaign.ranking_weights.get(k, 0)) for k in MEASURES},
        "quotas": [
            {"bank_id": q.bank_id, "bank": q.bank.name, "tag": q.tag, "count": q.count}
            for q in quotas
        ],
        "link": campaign_link(request, campaign),
    }


@router.get(
    "/campaigns/{quizcampaign_id}/figures",
    response=responses(200, QuizFiguresOut, 404),
    summary="Live figures: per union (rolled up), score distribution, error rates, over time",
)
def get_figures(request, quizcampaign_id: int, unit: str = "", by: Literal["", "day", "hour"] = ""):
    campaign = selectors.get_campaign_for(request.scope, quizcampaign_id)
    per_hour = {"hour": True, "day": False}.get(by)
    figures = campaign_figures(
        campaign, unit=_figures_unit(request, campaign, unit), per_hour=per_hour
    )
    return {
        "campaign_id": campaign.pk,
        "unit": figures.unit.code,
        "as_of": figures.as_of,
        "sittings": figures.sittings,
        "total": _unit(figures.total),
        "by_unit": [_unit(line) for line in figures.by_unit],
        "score_distribution": [{"scores": s, "participants": n} for s, n in figures.buckets],
        "questions": [
            {
                "question_id": q.question_id,
                "stem": q.stem,
                "answered": q.answered,
                "wrong": q.wrong,
                "error_rate": q.error_rate,
            }
            for q in figures.questions
        ],
        "over_time": [{"at": timezone.localtime(at), "sittings": n} for at, n in figures.over_time],
        "per_hour": figures.per_hour,
    }


@router.get(
    "/campaigns/{quizcampaign_id}/ranking",
    response=responses(200, QuizRankingOut, 404),
    summary="The unions under the campaign's (or ``unit``'s) union ranked by its formula",
)
def get_ranking(request, quizcampaign_id: int, unit: str = ""):
    campaign = selectors.get_campaign_for(request.scope, quizcampaign_id)
    figures = campaign_figures(campaign, unit=_figures_unit(request, campaign, unit))
    return {
        "campaign_id": campaign.pk,
        "as_of": figures.as_of,
        "weights": {k: float(campaign.ranking_weights.get(k, 0)) for k in MEASURES},
        "rule": RULE,
        "ranking": [
            {
                "rank": r.rank,
                "org": r.unit.code,
                "name": r.unit.name,
                "index": round(r.index, 4),
                "participation_rate": round(r.unit.participation_rate, 4),
                "average_score": round(r.unit.average_score, 2),
                "high_score_share": round(r.unit.high_score_share, 4),
            }
            for r in figures.ranking
        ],
    }
