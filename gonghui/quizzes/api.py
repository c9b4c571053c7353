"""The worker's quiz API at /api/v1/quiz/ (for a mini-program or any client of our own):
sign in with phone + texted code for a worker token, then start or resume a sitting, fetch
it (never with the key), save answers, submit (once), and read the result.

A worker authenticates with ``Authorization: Bearer ghw_…`` (the token the sign-in answers:
signed, holding the phone's blind index and ciphertext, no database row to look up) or with
the H5 pages' own session (CSRF-checked). Staff tokens are not worker tokens. Every rule is
in services/sittings.py; the paper is built by paper.py, which never reads the key before
submission.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import APIKeyCookie, HttpBearer

from gonghui.core.api import prevalidated, responses
from gonghui.core.context import client_ip
from gonghui.core.crypto import encrypt
from gonghui.core.errors import ApplicationError, NotFoundError
from gonghui.core.localcache import LocalCache
from gonghui.members import identity
from gonghui.members.services.identity import (
    otp_request,
    otp_verify,
    phone_key,
    worker_id_for_phone_index,
)
from gonghui.orgs.models import Org
from gonghui.quizzes.models import Sitting
from gonghui.quizzes.paper import paper_view, reveals
from gonghui.quizzes.services import sittings as svc

router = Router(tags=["quiz (workers)"])
TOKEN_PREFIX = "ghw_"
TOKEN_SALT = "gonghui.quizzes.worker-token"


def worker_token(person: svc.Person) -> str:
    payload = {"pi": person.phone_index, "pt": base64.b64encode(person.phone_enc).decode(),
               "w": person.worker_id}  # fmt: skip
    return TOKEN_PREFIX + signing.dumps(payload, salt=TOKEN_SALT, compress=True)


# Tokens this process has checked: a worker sends theirs with every answer, and checking the
# signature (and inflating the payload) each time costs more than the save. Worker tokens
# cannot be revoked, so nothing is missed but an expiry, at most LOCAL_CACHE_SECONDS late.
_checked: LocalCache[svc.Person] = LocalCache("quiz worker tokens", max_entries=20_000)


def person_from_token(token: str) -> svc.Person | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    return _checked.get(token, lambda: _check_token(token))


def _check_token(token: str) -> svc.Person | None:
    try:
        data = signing.loads(
            token[len(TOKEN_PREFIX) :],
            salt=TOKEN_SALT,
            max_age=settings.WORKER_SESSION_DAYS * 86400,
        )
        return svc.Person(data["pi"], base64.b64decode(data["pt"]), data.get("w"))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class WorkerTokenAuth(HttpBearer):
    """``Authorization: Bearer ghw_…``: a worker who proved their phone."""

    def authenticate(self, request, token: str):
        person = person_from_token(token)
        if person is not None:
            request.person = person
        return person


class WorkerSessionAuth(APIKeyCookie):
    """The H5 pages' session of a signed-in worker (CSRF-checked like the console's)."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request, key):
        found = identity.current_identity(request)
        if found is None:
            return None
        request.person = svc.Person(
            found.phone_index, base64.b64decode(found.phone_token), found.worker_id
        )
        return request.person


WORKER_AUTH = [WorkerTokenAuth(), WorkerSessionAuth()]


# Schemas


class QuizWorkerCodeIn(Schema):
    phone: str = Field(..., max_length=20, description="Mainland mobile number")


class QuizWorkerSignInIn(QuizWorkerCodeIn):
    code: str = Field(..., max_length=6)


class QuizWorkerTokenOut(Schema):
    token: str = Field(..., description="Send as `Authorization: Bearer <token>`")
    registered: bool = Field(..., description="The phone matched a worker of the register")


class QuizWorkerOkOut(Schema):
    ok: bool


class QuizWorkerCampaignOut(Schema):
    token: str
    title: str
    intro: str
    starts_at: str
    ends_at: str
    open: bool
    closed_reason: str | None
    question_count: int
    time_limit_seconds: int
    sittings_allowed: int
    counting: str
    pass_mark: int
    show_answers: bool
    allow_unregistered: bool


class QuizWorkerStartIn(Schema):
    name: str = Field("", max_length=50, description="Only for someone not in the register")
    org: str = Field("", max_length=32, description="Their unit's code (same case)")


class QuizWorkerOptionOut(Schema):
    letter: str
    text: str


class QuizWorkerQuestionOut(Schema):
    id: int
    number: int
    kind: str
    stem: str
    options: list[QuizWorkerOptionOut]
    chosen: str = Field(..., description="The letters chosen so far, as shown")


class QuizWorkerSittingOut(Schema):
    id: int
    number: int
    started_at: str
    deadline_at: str
    seconds_left: int
    submitted: bool
    questions: list[QuizWorkerQuestionOut]


class QuizWorkerAnswerIn(Schema):
    question: int | None = Field(None, description="To save one answer: the question's id")
    answer: str = Field(
        "", max_length=6, description="Its letters as shown, e.g. B or AC; '' clears"
    )
    answers: dict[str, str] = Field(
        default_factory=dict,
        max_length=200,
        description="Or several at once: question id -> letters as shown ('' clears)",
    )


class QuizWorkerSubmitIn(Schema):
    answers: dict[str, str] = Field(
        default_factory=dict, description="Question id -> letters as shown (saved first)"
    )


class QuizWorkerReviewOut(Schema):
    id: int
    number: int
    kind: str
    stem: str
    options: list[QuizWorkerOptionOut]
    chosen: str
    right: str
    correct: bool
    explanation: str


class QuizWorkerResultOut(Schema):
    sitting: int
    score: int
    correct_count: int
    total: int
    passed: bool
    submitted_at: str
    closed_on_expiry: bool
    counted_score: int | None
    sittings_left: int
    review: list[QuizWorkerReviewOut] = Field(
        ..., description="Empty unless the campaign shows answers"
    )


# Helpers


def _campaign_out(quiz) -> dict:
    problem = svc.campaign_window_error(quiz)
    return {
        "token": quiz.token,
        "title": quiz.title,
        "intro": quiz.intro,
        "starts_at": quiz.starts_at.isoformat(),
        "ends_at": quiz.ends_at.isoformat(),
        "open": problem is None,
        "closed_reason": problem,
        "question_count": sum(q.count for q in quiz.quotas.all()),
        "time_limit_seconds": quiz.time_limit_seconds,
        "sittings_allowed": quiz.sittings_allowed,
        "counting": quiz.counting,
        "pass_mark": quiz.pass_mark,
        "show_answers": quiz.show_answers,
        "allow_unregistered": quiz.allow_unregistered,
    }


def _sitting_out(sitting: Sitting) -> dict:
    from django.utils import timezone

    quiz = svc.campaign_by_id(sitting.campaign_id)
    questions = [] if sitting.submitted_at else paper_view(sitting, quiz)
    left = (sitting.deadline_at - timezone.now()).total_seconds()
    return {
        "id": sitting.pk,
        "number": sitting.number,
        "started_at": sitting.started_at.isoformat(),
        "deadline_at": sitting.deadline_at.isoformat(),
        "seconds_left": max(0, int(left)),
        "submitted": sitting.submitted_at is not None,
        "questions": [
            {
                "id": q.id,
                "number": q.number,
                "kind": q.kind,
                "stem": q.stem,
                "chosen": q.chosen,
                "options": [{"letter": o.letter, "text": o.text} for o in q.options],
            }  # fmt: skip
            for q in questions
        ],
    }


def _result_out(sitting: Sitting) -> dict:
    quiz = svc.campaign_by_id(sitting.campaign_id)
    participant = sitting.participant
    review = paper_view(sitting, quiz) if reveals(sitting, quiz) else []
    return {
        "sitting": sitting.pk,
        "score": sitting.score,
        "correct_count": sitting.correct_count,
        "total": len(sitting.paper),
        "passed": sitting.passed,
        "submitted_at": sitting.submitted_at.isoformat(),
        "closed_on_expiry": sitting.closed_on_expiry,
        "counted_score": participant.counted_score,
        "sittings_left": max(0, quiz.sittings_allowed - participant.sittings_count),
        "review": [
            {
                "id": q.id,
                "number": q.number,
                "kind": q.kind,
                "stem": q.stem,
                "chosen": q.chosen,
                "right": q.right,
                "correct": q.correct,
                "explanation": q.explanation,
                "options": [{"letter": o.letter, "text": o.text} for o in q.options],
            }  # fmt: skip
            for q in review
        ],
    }


# Operations


@router.post(
    "/sign-in/code",
    auth=None,
    response=responses(200, QuizWorkerOkOut, 400),
    summary="Text a one-time code to a phone",
)
def sign_in_code(request, payload: QuizWorkerCodeIn):
    otp_request(phone=payload.phone, ip=client_ip(request))
    return {"ok": True}


@router.post(
    "/sign-in",
    auth=None,
    response=responses(200, QuizWorkerTokenOut),
    summary="Trade the phone and its code for a worker token",
)
def sign_in(request, payload: QuizWorkerSignInIn):
    index = otp_verify(phone=payload.phone, code=payload.code)
    number, _index = phone_key(payload.phone)
    worker_id = worker_id_for_phone_index(index)
    person = svc.Person(index, encrypt("phone", number), worker_id)
    return {"token": worker_token(person), "registered": worker_id is not None}


@router.get(
    "/campaigns/{quizcampaign_token}",
    auth=None,
    response=responses(200, QuizWorkerCampaignOut, 404),
    summary="A campaign as its link shows it (no login)",
)
def campaign_detail(request, quizcampaign_token: str):
    return _campaign_out(svc.campaign_by_token(quizcampaign_token))


@router.post(
    "/campaigns/{quizcampaign_token}/sittings",
    auth=WORKER_AUTH,
    response=responses(200, QuizWorkerSittingOut),
    summary="Start a sitting, or resume the open one",
)
def sitting_start(request, quizcampaign_token: str, payload: QuizWorkerStartIn):
    quiz = svc.campaign_by_token(quizcampaign_token)
    org = Org.objects.filter(code=payload.org).first() if payload.org else None
    sitting = svc.sitting_begin(campaign=quiz, person=request.person, name=payload.name, org=org)
    return prevalidated(_sitting_out(sitting))


@router.get(
    "/sittings/{sitting_id}",
    auth=WORKER_AUTH,
    response=responses(200, QuizWorkerSittingOut, 404),
    summary="One's own sitting: questions and choices so far, never the key",
)
def sitting_detail(request, sitting_id: int):
    return _sitting_out(svc.sitting_touch(svc.sitting_for(request.person, sitting_id)))


@router.post(
    "/sittings/{sitting_id}/answers",
    auth=WORKER_AUTH,
    response=responses(200, QuizWorkerOkOut),
    summary="Save answers while the time lasts: one, or several at once",
)
def answer_save(request, sitting_id: int, payload: QuizWorkerAnswerIn):
    answers = dict(payload.answers)
    if payload.question is not None:
        answers[str(payload.question)] = payload.answer
    if not answers:
        raise ApplicationError(_("Send an answer."), fields={"answers": [_("Send an answer.")]})
    svc.sitting_answers_save(person=request.person, sitting_id=sitting_id, answers=answers)
    return prevalidated({"ok": True})


@router.post(
    "/sittings/{sitting_id}/submit",
    auth=WORKER_AUTH,
    response=responses(200, QuizWorkerResultOut),
    summary="Submit and score (sending it again returns the first result)",
)
def sitting_submit(request, sitting_id: int, payload: QuizWorkerSubmitIn):
    sitting = svc.sitting_submit(sitting_id=sitting_id, person=request.person,
                                 answers=payload.answers)  # fmt: skip
    return prevalidated(_result_out(sitting))


@router.get(
    "/sittings/{sitting_id}/result",
    auth=WORKER_AUTH,
    response=responses(200, QuizWorkerResultOut, 404, 409),
    summary="The result of a submitted sitting",
)
def sitting_result(request, sitting_id: int):
    sitting = svc.sitting_touch(svc.sitting_for(request.person, sitting_id))
    if sitting.submitted_at is None:
        raise NotFoundError(str(svc.not_submitted_message()))
    return _result_out(sitting)
