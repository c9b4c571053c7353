"""Taking part: identify the person, start (or resume) a sitting, save answers as they go,
submit. Timing and scoring happen here, on the server, never in the browser.

The rules that concurrent requests could break are the database's (DESIGN rule 5):

- a person takes part once per campaign: unique (campaign, phone_index);
- the sitting limit: sittings are numbered and (participant, number) is unique, so two
  browsers starting at once insert the same number and one of them fails; that one gets the
  winner's sitting back (a resume), never a second sitting;
- a submission counts once: the sitting row is locked and ``submitted_at`` checked inside
  the submit transaction, so a resent submission returns the first result.

An answer is saved against the question's own option letters (the permutation of the paper
is undone here), so neither scores nor per-question figures depend on the shuffled order.
Saving an answer is not audited (a draft, many per sitting); joining, starting and
submitting are.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import fastsql
from gonghui.core.audit import audit_event, audit_record
from gonghui.core.crypto import decrypt
from gonghui.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from gonghui.core.localcache import LocalCache
from gonghui.core.pii import mask_phone
from gonghui.members.services.identity import worker_for_phone_index
from gonghui.orgs.models import Org
from gonghui.quizzes.models import (
    LETTERS,
    CampaignStatus,
    Participant,
    Question,
    QuestionKind,
    QuizCampaign,
    Sitting,
    SittingAnswer,
)
from gonghui.quizzes.services import hotpath
from gonghui.quizzes.services.drawing import draw_paper
from gonghui.quizzes.services.scoring import (
    counted_score,
    normalise_letters,
    passes,
    score_sitting,
)

CAMPAIGN_SECONDS = 10  # how long a process trusts its copy of a campaign


class ErrorCode:
    NOT_OPEN = "not_open"
    NOT_ELIGIBLE = "not_eligible"
    NOT_REGISTERED = "not_registered"
    DETAILS_NEEDED = "details_needed"
    NO_SITTINGS_LEFT = "no_sittings_left"
    TIME_UP = "time_up"
    SUBMITTED = "submitted"


def _coded(error: ApplicationError, code: str) -> ApplicationError:
    error.code = code
    return error


def _org(org_id: int) -> Org:
    """A reference to an org by id for the audit event, without reading the row."""
    return Org(pk=org_id)


@dataclass(frozen=True)
class Person:
    """Who is taking part, as the H5 sign-in or a worker token proved it: the phone's blind
    index and ciphertext (base64 or raw), and the register's worker when the phone matched."""

    phone_index: str
    phone_enc: bytes
    worker_id: int | None


def grace() -> timedelta:
    """Late answers within this many seconds of the deadline still count (network time)."""
    return timedelta(seconds=settings.QUIZ_GRACE_SECONDS)


# -- The campaign, cached per process briefly -------------------------------------------------

_campaigns: dict[object, tuple[float, QuizCampaign, frozenset[int]]] = {}
_lock = threading.Lock()


def _load(**lookup) -> tuple[QuizCampaign, frozenset[int]]:
    key = tuple(sorted(lookup.items()))
    now = time.monotonic()
    hit = _campaigns.get(key)
    if hit and now - hit[0] < CAMPAIGN_SECONDS:
        return hit[1], hit[2]
    campaign = QuizCampaign.objects.select_related("org").filter(**lookup).first()
    if campaign is None:
        raise NotFoundError(_("This quiz does not exist."))
    groups = frozenset(campaign.groups.values_list("pk", flat=True))
    with _lock:
        _campaigns[key] = (now, campaign, groups)
    return campaign, groups


def campaign_by_token(token: str) -> QuizCampaign:
    """The campaign of a link or QR code (draft campaigns are not shown to workers)."""
    campaign, _groups = _load(token=token)
    if campaign.status == CampaignStatus.DRAFT:
        raise NotFoundError(_("This quiz does not exist."))
    return campaign


def campaign_by_id(campaign_id: int) -> QuizCampaign:
    return _load(pk=campaign_id)[0]


def forget_campaigns() -> None:
    """Drop what this process keeps of campaigns, pages and papers (tests, the organiser's
    edits)."""
    with _lock:
        _campaigns.clear()
        _papers.clear()
    landing_pages.forget()
    _texts.forget()


# Pages that show a campaign the same way to every visitor (the H5 landing page for those
# not signed in), rendered once per process.
landing_pages: LocalCache[bytes] = LocalCache("quiz landing pages", max_entries=1000)

# What a paper shows of its questions before submission (never the key): a busy campaign's
# papers are drawn from the same few hundred questions.
_texts: LocalCache[Question] = LocalCache("quiz question texts", max_entries=20_000)


def question_texts(ids: list[int]) -> dict[int, Question]:
    """Questions by id with their kind, stem and options only."""
    found = {qid: q for qid in ids if (q := _texts.get(qid, lambda: None)) is not None}
    missing = [qid for qid in ids if qid not in found]
    if missing:
        for question in Question.objects.filter(pk__in=missing).only(
            "id", "kind", "stem", "options"
        ):
            found[question.pk] = _texts.get(question.pk, lambda q=question: q)
    return found


def campaign_window_error(campaign: QuizCampaign, now: datetime | None = None) -> str | None:
    """Why the campaign cannot be taken now, or None."""
    now = now or timezone.now()
    if campaign.status == CampaignStatus.CLOSED or now >= campaign.ends_at:
        return _("This quiz has ended.")
    if campaign.status != CampaignStatus.OPEN or now < campaign.starts_at:
        start = timezone.localtime(campaign.starts_at).strftime("%Y-%m-%d %H:%M")
        return _("This quiz opens at %(start)s.") % {"start": start}
    return None


# -- Identify --------------------------------------------------------------------------------


def participant_for(campaign: QuizCampaign, person: Person) -> Participant | None:
    return Participant.objects.filter(campaign=campaign, phone_index=person.phone_index).first()


def _eligible_worker(campaign: QuizCampaign, person: Person):
    worker = worker_for_phone_index(person.phone_index)
    if worker is None:
        return None
    if not worker.org.path.startswith(campaign.org.path):
        return None
    groups = _load(pk=campaign.pk)[1]
    if groups and not worker.groups.filter(pk__in=groups).exists():
        return None
    return worker


class Entry:
    """What identifying would do for a person who has not taken part yet."""

    JOINED = "joined"  # a participant already
    REGISTERED = "registered"  # an eligible worker of the register: joins on start
    DETAILS = "details"  # not registered, allowed: asked for name and unit
    REFUSED = "refused"  # not registered, not allowed


def participant_entry(campaign: QuizCampaign, person: Person) -> tuple[str, Participant | None]:
    """How the person would enter the campaign, without writing anything (a page's GET)."""
    existing = participant_for(campaign, person)
    if existing is not None:
        return Entry.JOINED, existing
    if _eligible_worker(campaign, person) is not None:
        return Entry.REGISTERED, None
    return (Entry.DETAILS if campaign.allow_unregistered else Entry.REFUSED), None


def participant_identify(
    *, campaign: QuizCampaign, person: Person, name: str = "", org: Org | None = None
) -> Participant:
    """The person's participant record in the campaign, created on their first visit.

    A worker of the register in the campaign's subtree (and groups) is matched by phone.
    Anyone else takes part only where the campaign allows people not yet registered, and
    then gives a name and a unit of the subtree (``org``; the branch of the link by default).
    """
    existing = participant_for(campaign, person)
    if existing is not None:
        return existing
    worker = _eligible_worker(campaign, person)
    if worker is None:
        if not campaign.allow_unregistered:
            raise _coded(
                ForbiddenError(
                    _(
                        "Your phone number is not in the register of the units this quiz is "
                        "for. Ask your union to add you."
                    )  # fmt: skip
                ),
                ErrorCode.NOT_REGISTERED,
            )
        name = (name or "").strip()
        fields = {}
        if not name:
            fields["name"] = [_("Enter your name.")]
        if org is None or not org.path.startswith(campaign.org.path):
            fields["org"] = [_("Choose your unit.")]
        if fields:
            raise ApplicationError(
                _("Tell us your name and unit to take part."),
                code=ErrorCode.DETAILS_NEEDED,
                fields=fields,
            )
    return _participant_create(campaign, person, worker, name, org)


def _participant_create(campaign, person, worker, name, org) -> Participant:
    phone = decrypt("phone", person.phone_enc)
    participant = Participant(
        campaign=campaign,
        worker=worker,
        org=worker.org if worker else org,
        name=worker.name if worker else name[:50],
        phone_enc=person.phone_enc,
        phone_index=person.phone_index,
        phone_masked=mask_phone(phone),
    )
    try:
        with transaction.atomic():
            participant.save()
            audit_record(
                action="quizzes.participant_join",
                org=participant.org,
                target=participant,
                extra={"campaign": campaign.pk, "registered": worker is not None},
            )
    except IntegrityError:
        # the same person in another tab a moment earlier
        return Participant.objects.get(campaign=campaign, phone_index=person.phone_index)
    return participant


# -- Sittings --------------------------------------------------------------------------------


def sitting_start(*, participant: Participant) -> Sitting:
    """Start the participant's next sitting, or resume the one still open.

    Refused outside the campaign's window and once the sittings allowed are used up."""
    campaign = campaign_by_id(participant.campaign_id)
    now = timezone.now()
    # Sittings run one after another, so only the latest can be open. Deciding on the
    # latest row alone (not "any open one?" then "how many?") keeps a start racing another
    # start of the same person from reading the winner's new sitting as a used-up one.
    used = Sitting.objects.filter(participant=participant).order_by("-number").first()
    if used is not None and used.submitted_at is None:
        if now <= used.deadline_at + grace():
            return used  # resume
        sitting_submit(sitting_id=used.pk, person=None)  # expired: closed on this touch
    problem = campaign_window_error(campaign, now)
    if problem:
        raise ApplicationError(problem, code=ErrorCode.NOT_OPEN)
    number = used.number + 1 if used else 1
    if number > campaign.sittings_allowed:
        raise _no_sittings_left(campaign)
    sitting = Sitting(
        campaign_id=campaign.pk,
        participant=participant,
        org_id=participant.org_id,
        number=number,
        paper=draw_paper(campaign),
        started_at=now,
        deadline_at=now + timedelta(seconds=campaign.time_limit_seconds),
    )
    try:
        with transaction.atomic():
            sitting.save(force_insert=True)
            Participant.objects.filter(pk=participant.pk).update(
                sittings_count=F("sittings_count") + 1
            )
            audit_record(
                action="quizzes.sitting_start",
                org=_org(participant.org_id),
                target=sitting,
                extra={"campaign": campaign.pk, "number": number},
            )
        _remember_paper(sitting, participant)
    except IntegrityError:
        # Another browser started this number a moment earlier: theirs is the sitting.
        winner = Sitting.objects.filter(participant=participant, number=number).first()
        if winner is not None and winner.submitted_at is None:
            return winner
        raise _no_sittings_left(campaign) from None
    return sitting


def sitting_begin(
    *, campaign: QuizCampaign, person: Person, name: str = "", org: Org | None = None
) -> Sitting:
    """Identify the person and start their sitting, or resume the open one (the start
    button). On PostgreSQL a registered worker's first start, the common case of a quiz
    week, takes two statements (hotpath.py); anything else goes the general way."""
    if connection.vendor == "postgresql" and not _load(pk=campaign.pk)[1]:
        sitting = _first_start(campaign, person)
        if sitting is not None:
            return sitting
    participant = participant_identify(campaign=campaign, person=person, name=name, org=org)
    return sitting_start(participant=participant)


def _first_start(campaign: QuizCampaign, person: Person) -> Sitting | None:
    """``participant_identify`` + ``sitting_start`` for a worker of the register who has not
    taken part yet; None when that is not the case (or another tab got there first)."""
    now = timezone.now()
    if campaign_window_error(campaign, now) or campaign.sittings_allowed < 1:
        return None  # refused the general way, with the reason
    found = hotpath.newcomer(campaign, person.phone_index)
    if found is None or not found.org_path.startswith(campaign.org.path):
        return None
    participant = Participant(
        campaign=campaign,
        worker_id=found.worker_id,
        org_id=found.org_id,
        name=found.name,
        phone_enc=person.phone_enc,
        phone_index=person.phone_index,
        phone_masked=mask_phone(decrypt("phone", person.phone_enc)),
        sittings_count=1,
    )
    sitting = Sitting(
        campaign_id=campaign.pk,
        org_id=found.org_id,
        number=1,
        paper=draw_paper(campaign),
        started_at=now,
        deadline_at=now + timedelta(seconds=campaign.time_limit_seconds),
    )
    unit = _org(found.org_id)
    joined = audit_event(action="quizzes.participant_join", org=unit, target=participant,
                         extra={"campaign": campaign.pk, "registered": True})  # fmt: skip
    started = audit_event(action="quizzes.sitting_start", org=unit, target=sitting,
                          extra={"campaign": campaign.pk, "number": 1})  # fmt: skip
    try:
        # one statement is a transaction of its own; inside another, it needs a savepoint
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            hotpath.join_and_start(participant, sitting, joined, started)
    except IntegrityError:
        return None  # the same person in another tab a moment earlier
    _remember_paper(sitting, participant)
    return sitting


def _no_sittings_left(campaign: QuizCampaign) -> ConflictError:
    message = _("You have used all %(n)s of your sittings for this quiz.")
    return _coded(
        ConflictError(message % {"n": campaign.sittings_allowed}), ErrorCode.NO_SITTINGS_LEFT
    )


def sitting_for(person: Person, sitting_id: int) -> Sitting:
    """The person's own sitting, or 404 (someone else's is as good as absent)."""
    sitting = (
        Sitting.objects.filter(pk=sitting_id, participant__phone_index=person.phone_index)
        .select_related("participant")
        .first()
    )
    if sitting is None:
        raise NotFoundError()
    return sitting


def sitting_touch(sitting: Sitting) -> Sitting:
    """Close an expired, unsubmitted sitting on the next look at it (scoring what was saved)."""
    if sitting.submitted_at is None and timezone.now() > sitting.deadline_at + grace():
        return sitting_submit(sitting_id=sitting.pk, person=None)
    return sitting


def _paper_item(sitting: Sitting, question_id: int) -> dict:
    for item in sitting.paper:
        if item["q"] == question_id:
            return item
    raise ApplicationError(
        _("This question is not on your paper."), fields={"question": [_("Not on the paper.")]}
    )


def original_letters(item: dict, shown: str | list[str]) -> str:
    """The letters a worker chose as shown on their paper, in the question's own order."""
    shown = normalise_letters(shown)
    permutation = item["p"]
    if any(LETTERS.index(ch) >= len(permutation) for ch in shown):
        raise ApplicationError(
            _("Choose among the options shown."), fields={"answer": [_("No such option.")]}
        )
    if item["k"] != QuestionKind.MULTIPLE and len(shown) > 1:
        raise ApplicationError(_("Choose one option."), fields={"answer": [_("One option only.")]})
    return normalise_letters([LETTERS[permutation[LETTERS.index(ch)]] for ch in shown])


def shown_letters(item: dict, original: str) -> str:
    """The inverse of ``original_letters``: stored letters as the worker's paper shows them."""
    position = {index: LETTERS[pos] for pos, index in enumerate(item["p"])}
    return "".join(sorted(position[LETTERS.index(ch)] for ch in original if ch in LETTERS))


def _refuse_if_closed(sitting: Sitting, now: datetime) -> None:
    if sitting.submitted_at is not None:
        raise _coded(ConflictError(_("This sitting has been submitted.")), ErrorCode.SUBMITTED)
    if now > sitting.deadline_at + grace():
        raise _coded(ConflictError(_("Time is up for this sitting.")), ErrorCode.TIME_UP)


def sitting_answer_save(
    *, person: Person, sitting_id: int, question_id: int, answer: str | list[str]
) -> None:
    """Save (or change, or clear with "") one answer while the sitting's time lasts."""
    sitting_answers_save(person=person, sitting_id=sitting_id, answers={str(question_id): answer})


def sitting_answers_save(
    *, person: Person, sitting_id: int, answers: dict[str, str | list[str]]
) -> None:
    """Save (or change, or clear with "") answers while the sitting's time lasts: one, as a
    page saves each choice, or several at once, as a client that saves what was chosen
    since its last save does (question id -> letters as shown).

    The hot path of a busy campaign, so two statements and no transaction: read the paper
    (to undo the shuffle and check the choices; kept per process once seen), then one
    conditional UPDATE that merges the answers into the JSON in the database (so answers
    saved at once from two tabs all stay) only while the sitting is unsubmitted and in time.
    Only when it changes nothing do we look for the reason. A bad choice refuses the whole
    batch before anything is written."""
    sitting = _papers.get((sitting_id, person.phone_index))
    if sitting is None:
        sitting = (
            Sitting.objects.filter(pk=sitting_id, participant__phone_index=person.phone_index)
            .only("pk", "paper", "deadline_at", "submitted_at")
            .first()
        )
        if sitting is None:
            raise NotFoundError()
        _remember_paper(sitting, person)
    now = timezone.now()
    if sitting.submitted_at is None and now > sitting.deadline_at + grace():
        sitting_submit(sitting_id=sitting.pk, person=None)  # closed on this touch
    _refuse_if_closed(sitting, now)
    changes = {}
    for key, shown in answers.items():
        item = _paper_item(sitting, _question_id(key))
        changes[str(item["q"])] = original_letters(item, shown)
    if not changes or _merge_answers(sitting.pk, changes, now - grace()):
        return
    _papers.pop((sitting.pk, person.phone_index), None)
    sitting.refresh_from_db(fields=["submitted_at", "deadline_at"])
    now = timezone.now()
    if sitting.submitted_at is None and now > sitting.deadline_at + grace():
        sitting_submit(sitting_id=sitting.pk, person=None)  # closed on this touch
    _refuse_if_closed(sitting, now)
    raise ConflictError(_("Time is up for this sitting."))  # pragma: no cover (a race)


def _question_id(key: str | int) -> int:
    try:
        return int(key)
    except (TypeError, ValueError):
        raise ApplicationError(
            _("This question is not on your paper."), fields={"question": [_("Not on the paper.")]}
        ) from None


# The paper and deadline of a sitting never change once drawn, so a process keeps the ones it
# has seen (by sitting and phone, which is also the ownership check): most answers then cost
# one UPDATE. Whether the sitting is still open is always the UPDATE's to say.
_papers: dict[tuple[int, str], Sitting] = {}
PAPERS_KEPT = 20_000


def _remember_paper(sitting: Sitting, person: Person | Participant) -> None:
    if len(_papers) >= PAPERS_KEPT:
        _papers.clear()
    _papers[(sitting.pk, person.phone_index)] = Sitting(
        pk=sitting.pk, paper=sitting.paper, deadline_at=sitting.deadline_at, submitted_at=None
    )


def _merge_answers(sitting_id: int, changes: dict[str, str], in_time_after: datetime) -> bool:
    """``answers[key] = letters`` for each change ("" removes the key) in one statement, if
    the sitting is still open and in time."""
    table = Sitting._meta.db_table
    cleared = [key for key, letters in changes.items() if not letters]
    chosen = {key: letters for key, letters in changes.items() if letters}
    if connection.vendor == "postgresql":
        change, params = "(answers - %s::text[]) || %s::jsonb", [cleared, json.dumps(chosen)]
    else:  # SQLite: a JSON merge patch, where null removes a key
        patch = {**dict.fromkeys(cleared), **chosen}
        change, params = "json_patch(answers, %s)", [json.dumps(patch)]
    with fastsql.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET answers = {change} "  # noqa: S608 (names are ours)
            "WHERE id = %s AND submitted_at IS NULL AND deadline_at >= %s "
            f"AND {fastsql.commit_relaxed()}",  # a draft: the submission carries it again
            [*params, sitting_id, in_time_after],
        )
        return cursor.rowcount == 1


def sitting_submit(
    *, sitting_id: int, person: Person | None, answers: dict[str, str | list[str]] | None = None
) -> Sitting:
    """Submit a sitting and score it; submitting again returns the first result.

    ``answers`` (question id -> letters as shown) are saved first while time lasts; after
    the deadline what was saved is scored. ``person=None``: the server closing an expired
    sitting (on a later touch, or ``manage.py finish_quiz_sittings``)."""
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            submitted = _submit_in_one_go(sitting_id, person, answers, now)
            if submitted is not None:
                return submitted
        rows = Sitting.objects.select_for_update(of=("self",)).filter(pk=sitting_id)
        if person is not None:
            rows = rows.filter(participant__phone_index=person.phone_index)
        sitting = rows.first()
        if sitting is None:
            raise NotFoundError()
        if sitting.submitted_at is not None:
            return sitting  # resent: the first result stands
        late = now > sitting.deadline_at + grace()
        if answers and not late:
            sitting.answers = _merged(sitting, answers)
        _score_and_close(sitting, now, late=late)
        _count(sitting, now)
        audit_record(
            action="quizzes.sitting_submit",
            org=_org(sitting.org_id),
            target=sitting,
            extra={"score": sitting.score, "closed_on_expiry": late},
        )
    return sitting


def _submit_in_one_go(sitting_id: int, person: Person | None, answers, now) -> Sitting | None:
    """``sitting_submit`` in two statements on PostgreSQL (hotpath.py); None when the
    sitting was submitted already (the ORM path below reads the first result)."""
    locked = hotpath.lock_sitting(sitting_id, person.phone_index if person else None)
    if locked is None:
        raise NotFoundError()
    sitting = locked.sitting
    if sitting.submitted_at is not None:
        return None
    late = now > sitting.deadline_at + grace()
    if answers and not late:
        sitting.answers = _merged(sitting, answers)
    keys = {qid: (question.kind, question.answer) for qid, question in locked.questions.items()}
    result = score_sitting(sitting.paper, sitting.answers, keys)
    campaign = campaign_by_id(sitting.campaign_id)
    hotpath.close_sitting(locked, result, campaign=campaign, now=now, late=late)
    sitting.questions_read = locked.questions  # the result's review needs no other query
    return sitting


def _merged(sitting: Sitting, answers: dict) -> dict:
    merged = dict(sitting.answers)
    for key, shown in answers.items():
        item = _paper_item(sitting, int(key))
        letters = original_letters(item, shown)
        if letters:
            merged[str(item["q"])] = letters
    return merged


def _score_and_close(sitting: Sitting, now: datetime, *, late: bool) -> None:
    ids = [item["q"] for item in sitting.paper]
    keys = {qid: (kind, key) for qid, kind, key in
            Question.objects.filter(pk__in=ids).values_list("pk", "kind", "answer")}  # fmt: skip
    result = score_sitting(sitting.paper, sitting.answers, keys)
    campaign = campaign_by_id(sitting.campaign_id)
    sitting.score = result.score
    sitting.correct_count = result.correct_count
    sitting.passed = passes(result.score, campaign.pass_mark)
    sitting.submitted_at = min(now, sitting.deadline_at) if late else now
    sitting.closed_on_expiry = late
    sitting.save(
        update_fields=[
            "answers",
            "score",
            "correct_count",
            "passed",
            "submitted_at",
            "closed_on_expiry",
        ]  # fmt: skip
    )
    SittingAnswer.objects.bulk_create(
        SittingAnswer(
            campaign_id=sitting.campaign_id,
            sitting_id=sitting.pk,
            question_id=m.question_id,
            chosen=m.chosen,
            is_correct=m.correct,
        )
        for m in result.marked
    )


def _count(sitting: Sitting, now: datetime) -> None:
    """The participant's counters, in the submit's transaction (row-locked)."""
    campaign = campaign_by_id(sitting.campaign_id)
    participant = Participant.objects.select_for_update().get(pk=sitting.participant_id)
    scores = list(
        Sitting.objects.filter(participant_id=participant.pk)
        .exclude(submitted_at=None)
        .order_by("number")
        .values_list("score", flat=True)
    )
    participant.submitted_count = len(scores)
    participant.best_score = max(scores)
    participant.counted_score = counted_score(campaign.counting, scores)
    participant.passed = passes(participant.counted_score, campaign.pass_mark)
    participant.last_submitted_at = sitting.submitted_at or now
    participant.save(
        update_fields=[
            "submitted_count",
            "best_score",
            "counted_score",
            "passed",
            "last_submitted_at",
        ]  # fmt: skip
    )
    sitting.participant = participant


def sittings_finish_expired(*, now: datetime | None = None) -> int:
    """Close every sitting whose time ran out unsubmitted (``finish_quiz_sittings``)."""
    now = now or timezone.now()
    ids = Sitting.objects.filter(submitted_at=None, deadline_at__lt=now - grace()).values_list(
        "pk", flat=True
    )
    closed = 0
    for sitting_id in list(ids):
        sitting_submit(sitting_id=sitting_id, person=None)
        closed += 1
    return closed


def not_submitted_message() -> str:
    return _("This sitting has not been submitted yet.")
