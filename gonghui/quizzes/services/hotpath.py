"""The quiz week's two heavy steps, start and submit, in few round trips on PostgreSQL.

Tens of thousands of workers sit a campaign in a week, most of them in its first evenings,
so starting and submitting a sitting each cost a handful of statements here instead of a
dozen ORM queries: the rows a step needs are read (and locked) in one SELECT, and what it
writes (sitting, answer rows, participant, audit event) goes in one statement of
data-modifying CTEs. The rules are the same as in sittings.py, which keeps the ORM versions
for SQLite and for the rare cases (a resent submission, a race between two browsers), and
the same tests run against both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from gonghui.core import fastsql
from gonghui.core.audit import audit_event
from gonghui.core.models import AuditEvent
from gonghui.members.models import Worker
from gonghui.orgs.models import Org
from gonghui.quizzes.models import Participant, Question, Sitting, SittingAnswer
from gonghui.quizzes.services.scoring import SittingScore, counted_score, passes


@dataclass
class Locked:
    """A sitting locked for submission, with its participant's counters and its questions
    (with their keys: for scoring, and for the result's review where the campaign shows it)."""

    sitting: Sitting
    participant: Participant
    questions: dict[int, Question]


SITTING, PARTICIPANT = Sitting._meta.db_table, Participant._meta.db_table
QUESTION, ANSWER = Question._meta.db_table, SittingAnswer._meta.db_table

_LOCK_SITTING = f"""
SELECT s.campaign_id, s.participant_id, s.org_id, s.number, s.paper, s.answers,
       s.started_at, s.deadline_at, s.submitted_at,
       p.sittings_count, p.submitted_count, p.best_score,
       (SELECT jsonb_agg(jsonb_build_array(q.id, q.kind, q.answer, q.stem, q.options,
                                           q.explanation))
          FROM {QUESTION} q
         WHERE q.id IN (SELECT (e->>'q')::bigint FROM jsonb_array_elements(s.paper) e))
  FROM {SITTING} s JOIN {PARTICIPANT} p ON p.id = s.participant_id
 WHERE s.id = %s AND (p.phone_index = %s OR %s)
   FOR UPDATE OF s, p
"""  # noqa: S608 (names are ours)
QUESTION_FIELDS = ("pk", "kind", "answer", "stem", "options", "explanation")


def lock_sitting(sitting_id: int, phone_index: str | None) -> Locked | None:
    """The sitting (the person's own, unless ``phone_index`` is None) and its participant,
    row-locked until the transaction ends; None when there is no such sitting."""
    with fastsql.cursor() as cursor:
        cursor.execute(_LOCK_SITTING, [sitting_id, phone_index or "", phone_index is None])
        row = cursor.fetchone()
    if row is None:
        return None
    (campaign_id, participant_id, org_id, number, paper, answers, started_at, deadline_at,
     submitted_at, sittings_count, submitted_count, best_score, questions) = row  # fmt: skip
    sitting = Sitting(
        pk=sitting_id,
        campaign_id=campaign_id,
        participant_id=participant_id,
        org_id=org_id,
        number=number,
        paper=json.loads(paper),
        answers=json.loads(answers),
        started_at=started_at,
        deadline_at=deadline_at,
        submitted_at=submitted_at,
    )
    participant = Participant(
        pk=participant_id,
        campaign_id=campaign_id,
        sittings_count=sittings_count,
        submitted_count=submitted_count,
        best_score=best_score,
    )
    for instance in (sitting, participant):
        fastsql.mark_saved(instance, instance.pk)
    by_id = {}
    for values in json.loads(questions or "[]"):
        question = Question(**dict(zip(QUESTION_FIELDS, values, strict=True)))
        by_id[question.pk] = question
    return Locked(sitting, participant, by_id)


_CLOSE = f"""
WITH s AS (
  UPDATE {SITTING}
     SET answers = %s::jsonb, score = %s, correct_count = %s, passed = %s,
         submitted_at = %s, closed_on_expiry = %s
   WHERE id = %s
), a AS (
  INSERT INTO {ANSWER} (campaign_id, sitting_id, question_id, chosen, is_correct)
  SELECT %s, %s, question, chosen, correct
    FROM unnest(%s::bigint[], %s::text[], %s::boolean[]) AS t(question, chosen, correct)
), e AS (
  INSERT INTO {{audit_table}} {{audit_columns}} VALUES ({{audit_marks}})
)
UPDATE {PARTICIPANT}
   SET submitted_count = %s, best_score = %s, counted_score = %s, passed = %s,
       last_submitted_at = %s
 WHERE id = %s
"""  # noqa: S608 (names are ours)


def close_sitting(locked: Locked, result: SittingScore, *, campaign, now: datetime,
                  late: bool) -> None:  # fmt: skip
    """Score, close and count a locked sitting in one statement (``_score_and_close`` and
    ``_count`` of sittings.py), with its audit event; updates ``locked``'s objects."""
    sitting, participant = locked.sitting, locked.participant
    sitting.score, sitting.correct_count = result.score, result.correct_count
    sitting.passed = passes(result.score, campaign.pass_mark)
    sitting.submitted_at = min(now, sitting.deadline_at) if late else now
    sitting.closed_on_expiry = late
    previous_best = participant.best_score
    participant.submitted_count += 1
    participant.best_score = max(result.score, previous_best or 0)
    # sittings run one after another, so this one is the latest submitted
    participant.counted_score = counted_score(
        campaign.counting, [s for s in (previous_best, result.score) if s is not None]
    )
    participant.passed = passes(participant.counted_score, campaign.pass_mark)
    participant.last_submitted_at = sitting.submitted_at
    event = audit_event(
        action="quizzes.sitting_submit",
        org=Org(pk=sitting.org_id),
        target=sitting,
        extra={"score": sitting.score, "closed_on_expiry": late},
    )
    table, columns, marks, values = fastsql.insert_parts(event)
    marked = result.marked
    with fastsql.cursor() as cursor:
        cursor.execute(
            _CLOSE.format(audit_table=table, audit_columns=columns, audit_marks=marks),
            [
                json.dumps(sitting.answers),
                sitting.score,
                sitting.correct_count,
                sitting.passed,
                sitting.submitted_at,
                late,
                sitting.pk,
                sitting.campaign_id,
                sitting.pk,
                [m.question_id for m in marked],
                [m.chosen for m in marked],
                [m.correct for m in marked],
                *values,
                participant.submitted_count,
                participant.best_score,
                participant.counted_score,
                participant.passed,
                participant.last_submitted_at,
                participant.pk,
            ],  # fmt: skip
        )
    sitting.participant = participant


# -- Start ------------------------------------------------------------------------------------

WORKER, ORG = Worker._meta.db_table, Org._meta.db_table

_ENTRY = f"""
SELECT p.id, w.id, w.name, w.org_id, o.path
  FROM (SELECT 1) one
  LEFT JOIN {PARTICIPANT} p ON p.campaign_id = %s AND p.phone_index = %s
  LEFT JOIN LATERAL (
       SELECT id, name, org_id FROM {WORKER}
        WHERE phone_index = %s AND p.id IS NULL
        ORDER BY updated_at DESC, id DESC LIMIT 1) w ON true
  LEFT JOIN {ORG} o ON o.id = w.org_id
"""  # noqa: S608 (names are ours)


@dataclass(frozen=True)
class Newcomer:
    """A person about to take part for the first time, as the register knows them."""

    worker_id: int
    name: str
    org_id: int
    org_path: str


def newcomer(campaign, phone_index: str) -> Newcomer | None:
    """The register's worker with this phone, in one statement, if they have not taken part
    in the campaign yet (and are in the register at all); None otherwise."""
    with fastsql.cursor() as cursor:
        cursor.execute(_ENTRY, [campaign.pk, phone_index, phone_index])
        participant_id, worker_id, name, org_id, org_path = cursor.fetchone()
    if participant_id is not None or worker_id is None:
        return None
    return Newcomer(worker_id, name, org_id, org_path)


def join_and_start(participant: Participant, sitting: Sitting, join: AuditEvent,
                   start: AuditEvent) -> None:  # fmt: skip
    """Insert a new participant with their first sitting and both audit events in one
    statement (``_participant_create`` and ``sitting_start`` of sittings.py); sets the new
    primary keys. A participant already there (another tab, a moment earlier) makes it fail
    whole with an IntegrityError. Its commit does not wait for the disk
    (``fastsql.commit_relaxed``): a start lost in a crash is made again with one tap."""
    p_table, p_columns, p_marks, p_values = fastsql.insert_parts(participant)
    s_table, s_columns, s_marks, s_values = fastsql.insert_parts(
        sitting, computed={"participant_id": "p.id"}
    )
    j_table, j_columns, j_marks, j_values = fastsql.insert_parts(
        join, computed={"object_id": "p.id::text"}
    )
    _table, _columns, t_marks, t_values = fastsql.insert_parts(
        start, computed={"object_id": "s.id::text", "object_repr": "p.id::text || ' #1'"}
    )
    statement = f"""
    WITH p AS (INSERT INTO {p_table} {p_columns} VALUES ({p_marks}) RETURNING id),
         s AS (INSERT INTO {s_table} {s_columns} SELECT {s_marks} FROM p RETURNING id),
         e AS (INSERT INTO {j_table} {j_columns} SELECT {j_marks} FROM p
               UNION ALL SELECT {t_marks} FROM p, s)
    SELECT p.id, s.id FROM p, s WHERE {fastsql.commit_relaxed()}
    """  # noqa: S608 (names are ours)
    with fastsql.cursor() as cursor:
        cursor.execute(statement, [*p_values, *s_values, *j_values, *t_values])
        participant_id, sitting_id = cursor.fetchone()
    fastsql.mark_saved(participant, participant_id)
    fastsql.mark_saved(sitting, sitting_id)
    sitting.participant_id = participant_id
    sitting.participant = participant
