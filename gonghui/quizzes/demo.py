"""The demo's quiz: 北京公交集团工会's campaign "学习二十大 奋进新公交", open for a week to
the group's 45,000 staff, with its question bank (61 questions on the 20th Party Congress,
union knowledge and safe driving) and the week's 41,093 sittings spread over its branch
unions, some near full participation and some well behind, so every figure, the ranking
and the exports look like the real thing.

The bank and the campaign are written through the services. The register's extra staff and
the week's participants, sittings and answers are written in bulk (COPY on PostgreSQL, one
executemany on SQLite), encrypted and indexed as the workers import does it: writing 41,093
sittings one service call at a time would take the demo minutes.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gonghui.core.audit import audit_record
from gonghui.core.crypto import blind_index, encrypt, keyring
from gonghui.core.identity import id_check_digit
from gonghui.core.imports.db import copy_rows, indexes_rebuilt
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.core.pinyin import pinyin_keys
from gonghui.core.scope import system_scope
from gonghui.members.demo import GIVEN, SURNAMES
from gonghui.members.models import EmploymentForm, MembershipStatus, Worker
from gonghui.members.services import worker_create
from gonghui.orgs.models import Org
from gonghui.quizzes.demo_questions import QUESTIONS, SAFETY, TWENTIETH, UNION
from gonghui.quizzes.models import (
    Participant,
    Question,
    QuizCampaign,
    Sitting,
)
from gonghui.quizzes.services.banks import bank_create, question_create
from gonghui.quizzes.services.campaigns import (
    Quota,
    campaign_create,
    campaign_set_quotas,
    campaign_set_status,
)

ORDER = 60
SEED = 2022
GROUP = "bj-bus"
TITLE = "学习二十大 奋进新公交"
BANK = "学习二十大 奋进新公交题库"
SITTINGS = 41_093  # settings.QUIZ_DEMO_SITTINGS scales the whole campaign (tests: a few hundred)
PAPER = ((TWENTIETH, 10), (UNION, 5), (SAFETY, 5))  # 20 questions, 5 points each
KIND_CODES = {"S": "single", "M": "multiple", "T": "true_false"}
# Staff per unit (the group's own offices, then each branch union by code suffix) and
# how many of them sat the quiz: the big bus companies mobilised well, the depots and
# maintenance less so.
STAFF = {
    "": (400, 0.97),
    "01": (5200, 0.985),
    "02": (4800, 0.972),
    "03": (5100, 0.951),
    "04": (4600, 0.934),
    "05": (4300, 0.912),
    "06": (3900, 0.991),
    "07": (3600, 0.884),
    "08": (3300, 0.829),
    "09": (4200, 0.966),
    "10": (2900, 0.742),
    "11": (2100, 0.676),
    "12": (600, 1.0),
}
# Each unit's mean ability on the logistic scale: how well its people did.
ABILITY = {"": 2.6, "10": 1.7, "11": 1.5, "08": 1.9, "12": 2.9}
DAY_WEIGHTS = (0.24, 0.17, 0.13, 0.11, 0.10, 0.11, 0.14)  # mobilisation, then a final push
# Sittings per hour of the day, 06:00 to 23:00: lunch breaks and evenings after the shift.
HOUR_WEIGHTS = dict(
    zip(range(6, 24), (1, 3, 5, 6, 5, 5, 9, 8, 4, 4, 4, 5, 6, 7, 10, 11, 8, 4), strict=True)
)
# Two drivers of 第一客运分公司 with known phones who have not sat the quiz yet, added to the
# register after the week's sittings: whoever runs the demo (and e2e/screenshots.py) can take
# it on the H5 pages as a worker of the register.
NEWCOMERS = (
    ("马建军", "13911110001", "11011519850312001"),
    ("杨秀兰", "13911110002", "11011519900726002"),
)


def _sittings() -> int:
    return int(getattr(settings, "QUIZ_DEMO_SITTINGS", SITTINGS))


def _size(key: str) -> int:
    """A unit's staff, scaled with the number of sittings the demo is asked for."""
    return round(STAFF[key][0] * _sittings() / SITTINGS)


@dataclass
class Person:
    worker_id: int
    org_id: int
    name: str
    phone_enc: bytes
    phone_index: str
    phone_masked: str


def load(*, progress=print) -> str:
    group = Org.objects.filter(code=GROUP).first()
    if group is None:
        return "quizzes: no 北京公交集团工会 in this demo tree, skipped"
    if QuizCampaign.objects.filter(org=group, title=TITLE).exists():
        _newcomers(group)
        return f"quizzes: “{TITLE}” already there"
    with transaction.atomic():
        added = _fill_register(group, progress)
        campaign = _campaign(group)
        people = _participants(group, campaign)
        _results(campaign, people, progress)
        _newcomers(group)
    phones = " / ".join(phone for _name, phone, _id in NEWCOMERS)
    return (
        f"quizzes: “{TITLE}” with {len(people):,} sittings over {len(STAFF) - 1} branch "
        f"unions, {added:,} staff added to the register; {phones} have not sat it yet "
        f"(/h5/quiz/{campaign.token}/?branch={GROUP}-01, the texted code appears in "
        "var/sms/outbox.log)"
    )


def _newcomers(group: Org) -> None:
    """The NEWCOMERS in 第一客运分公司工会's register, unless there already."""
    org = Org.objects.filter(code=f"{GROUP}-01").first()
    if org is None:
        return
    for name, phone, first17 in NEWCOMERS:
        if Worker.objects.filter(phone_index=blind_index("phone", phone)).exists():
            continue
        worker_create(
            scope=system_scope(group),
            org=org,
            name=name,
            phone=phone,
            id_number=first17 + id_check_digit(first17),
            employer_name="北京公交集团第一客运分公司",
            joined_on=date(2012, 7, 1),
        )


# The register


def _units(group: Org) -> dict[str, Org]:
    units = {"": group}
    for org in Org.objects.filter(path__startswith=group.path, depth=group.depth + 1):
        units[org.code.removeprefix(f"{GROUP}-")] = org
    return {key: org for key, org in units.items() if key in STAFF}


def _fill_register(group: Org, progress) -> int:
    """Bring each unit's staff up to its size with made-up employees of the group."""
    rng, ring = random.Random(SEED), keyring()
    now, rows, serial = timezone.now(), [], 0
    names: dict[str, tuple[str, str]] = {}  # pinyin by surname and given name: 160 lookups
    for key, org in _units(group).items():
        have = Worker.objects.filter(org=org).count()
        employer_id = (
            Worker.objects.filter(org=org, employer__isnull=False)
            .values_list("employer_id", flat=True)
            .first()
        )
        for _n in range(_size(key) - have):
            serial += 1
            surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
            keys = [names.setdefault(part, pinyin_keys(part)) for part in (surname, given)]
            pinyin = (keys[0][0] + keys[1][0], keys[0][1] + keys[1][1])
            rows.append(
                _worker_row(org.pk, employer_id, surname + given, pinyin, serial, rng, ring, now)
            )
    copy_rows("members_worker", WORKER_COLUMNS, rows)
    progress(f"quizzes: {len(rows):,} staff of 北京公交集团 added to the register")
    return len(rows)


WORKER_COLUMNS = (
    "org_id",
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "id_number_enc",
    "id_number_index",
    "id_number_masked",
    "phone_enc",
    "phone_index",
    "phone_masked",
    "phone_tail",
    "employer_id",
    "employment_form",
    "membership_status",
    "joined_on",
    "left_reason",
    "created_at",
    "updated_at",
)


def _worker_row(org_id, employer_id, name, keys, serial, rng, ring, now) -> tuple:
    male = rng.random() < 0.72  # bus drivers are mostly men
    born = date(1968, 1, 1) + timedelta(days=serial // 400 * 3 + rng.randrange(3))
    # Region codes no other part of the demo uses, a serial unique per birth date: the
    # resident IDs cannot collide with the rest of the register.
    region = ("110111", "110112", "110113", "110114")[serial % 4]
    sequence = (serial // 4) % 100 * 10 + (serial % 400 // 100) * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    id_number = first17 + id_check_digit(first17)
    phone = f"1391{serial:07d}"
    return (
        org_id,
        name,
        keys[0],
        keys[1],
        "M" if male else "F",
        born,
        encrypt("id_number", id_number, ring),
        blind_index("id_number", id_number, ring),
        mask_id_number(id_number),
        encrypt("phone", phone, ring),
        blind_index("phone", phone, ring),
        mask_phone(phone),
        phone[-4:],
        employer_id,
        EmploymentForm.EMPLOYEE,
        MembershipStatus.MEMBER,
        date(2000, 1, 1) + timedelta(days=rng.randrange(9000)),
        "",
        _at(now),
        _at(now),
    )


# The bank and the campaign, through the services


def _campaign(group: Org) -> QuizCampaign:
    scope = system_scope(group)
    bank = bank_create(scope=scope, org=group, name=BANK)
    for kind, stem, options, answer, explanation, tag in QUESTIONS:
        if kind == "T":
            options, answer = [], "A" if answer == "对" else "B"
        question_create(
            scope=scope,
            bank=bank,
            kind=KIND_CODES[kind],
            stem=stem,
            options=options,
            answer=answer,
            explanation=explanation,
            tags=[tag],
        )
    local = timezone.localtime()
    starts = (local - timedelta(days=6)).replace(hour=8, minute=0, second=0, microsecond=0)
    campaign = campaign_create(
        scope=scope,
        org=group,
        title=TITLE,
        intro="深入学习宣传贯彻党的二十大精神，全集团职工人人参与、人人学习。每人限答一次，"
        "每份试卷20题、每题5分，限时10分钟，60分及格，90分以上为高分。",
        starts_at=starts,
        ends_at=starts + timedelta(days=7),
        time_limit_seconds=600,
        sittings_allowed=1,
        pass_mark=60,
        high_score_mark=90,
        show_answers=True,
        offers_certificate=True,
        ranking_weights={"participation_rate": 0.5, "average_score": 0.3, "high_score_share": 0.2},
    )
    campaign_set_quotas(
        scope=scope,
        campaign=campaign,
        quotas=[Quota(bank, tag, count) for tag, count in PAPER],
    )
    campaign_set_status(scope=scope, campaign=campaign, status="open")
    return campaign


# The week's results, in bulk


def _participants(group: Org, campaign: QuizCampaign) -> list[Person]:
    """Who sat, unit by unit: that unit's share of its staff, exactly 41,093 in all."""
    rng, chosen = random.Random(SEED + 1), []
    units = _units(group)
    wanted = {key: round(_size(key) * rate) for key, (_s, rate) in STAFF.items() if key in units}
    wanted["01"] += _sittings() - sum(wanted.values())
    for key, org in units.items():
        rows = list(
            Worker.objects.filter(org=org)
            .order_by("pk")
            .values_list("pk", "name", "phone_enc", "phone_index", "phone_masked")
        )
        rows = [r for r in rows if r[3]]
        for pk, name, enc, index, masked in rng.sample(rows, min(wanted[key], len(rows))):
            chosen.append(Person(pk, org.pk, name, bytes(enc), index, masked))
    seen, unique = set(), []
    for person in chosen:  # one participant per phone, as the database insists
        if person.phone_index not in seen:
            seen.add(person.phone_index)
            unique.append(person)
    return unique


def _moments(rng: random.Random, campaign: QuizCampaign, count: int) -> list[datetime]:
    start, now = campaign.starts_at, timezone.now()
    days = list(range(7))
    hours = list(HOUR_WEIGHTS)
    moments = []
    while len(moments) < count:
        day = rng.choices(days, DAY_WEIGHTS)[0]
        hour = rng.choices(hours, list(HOUR_WEIGHTS.values()))[0]
        local = timezone.localtime(start).replace(hour=0) + timedelta(days=day, hours=hour)
        at = local + timedelta(seconds=rng.randrange(3600))
        if start <= at < min(now, campaign.ends_at):
            moments.append(at)
    return sorted(moments)


def _results(campaign: QuizCampaign, people: list[Person], progress) -> None:
    rng = random.Random(SEED + 2)
    questions = Question.objects.filter(bank__org=campaign.org).values_list(
        "pk", "answer", "options", "tags"
    )
    pools = {
        tag: [(pk, answer, options) for pk, answer, options, tags in questions if tag in tags]
        for tag, _count in PAPER
    }
    difficulty = {
        pk: rng.gauss(0.0, 0.8)
        + (0.8 if len(answer) > 1 else 0.0)
        - (0.6 if len(options) == 2 else 0)
        for pool in pools.values()
        for pk, answer, options in pool
    }
    units = {
        o.pk: o.code.removeprefix(f"{GROUP}-")
        for o in Org.objects.filter(pk__in={p.org_id for p in people})
    }
    units = {pk: ("" if code == GROUP else code) for pk, code in units.items()}
    moments = _moments(rng, campaign, len(people))
    rng.shuffle(people)
    participant_rows, sitting_plan = [], []
    for person, submitted in zip(people, moments, strict=True):
        ability = rng.gauss(ABILITY.get(units[person.org_id], 2.3), 0.9)
        paper, answers, marks = [], {}, []
        for tag, count in PAPER:
            for pk, answer, options in rng.sample(pools[tag], count):
                paper.append({"q": pk, "p": rng.choice(ORDERS[len(options)])})
                right = rng.random() < 1 / (1 + math.exp(-(ability - difficulty[pk])))
                chosen = answer if right else _wrong(rng, answer, len(options))
                answers[str(pk)] = chosen
                marks.append((pk, chosen, right))
        correct = sum(1 for *_x, right in marks if right)
        score = correct * 100 // len(marks)
        started = submitted - timedelta(seconds=rng.randrange(150, 560))
        participant_rows.append(
            (
                campaign.pk,
                person.worker_id,
                person.org_id,
                person.name,
                person.phone_enc,
                person.phone_index,
                person.phone_masked,
                _at(started),
                1,
                1,
                score,
                score,
                score >= campaign.pass_mark,
                _at(submitted),
            )
        )
        sitting_plan.append((person, paper, answers, marks, started, submitted, correct, score))
    copy_rows("quizzes_participant", PARTICIPANT_COLUMNS, participant_rows)
    ids = dict(Participant.objects.filter(campaign=campaign).values_list("phone_index", "pk"))
    progress(f"quizzes: {len(participant_rows):,} participants written")
    sitting_rows = [
        (
            campaign.pk,
            ids[person.phone_index],
            person.org_id,
            1,
            paper,
            answers,
            _at(started),
            _at(started + timedelta(seconds=campaign.time_limit_seconds)),
            _at(submitted),
            False,
            score,
            correct,
            score >= campaign.pass_mark,
        )
        for person, paper, answers, _m, started, submitted, correct, score in sitting_plan
    ]
    _copy_json("quizzes_sitting", SITTING_COLUMNS, sitting_rows, json_at=(4, 5))
    sittings = dict(Sitting.objects.filter(campaign=campaign).values_list("participant_id", "pk"))
    answer_rows = [
        (campaign.pk, sittings[ids[person.phone_index]], pk, chosen, right)
        for person, _p, _a, marks, *_rest in sitting_plan
        for pk, chosen, right in marks
    ]
    with _rates_index_built_after():
        copy_rows("quizzes_sittinganswer", ANSWER_COLUMNS, answer_rows)
    progress(f"quizzes: {len(sitting_rows):,} sittings and {len(answer_rows):,} answers written")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("quizzes_participant", "quizzes_sitting", "quizzes_sittinganswer"):
                cursor.execute(f"ANALYZE {table}")
    audit_record(
        action="quizzes.demo_results",
        org=campaign.org,
        target=campaign,
        extra={"participants": len(participant_rows), "answers": len(answer_rows)},
    )


# Every order of 2 to 6 options, drawn from rather than shuffled 800,000 times.
ORDERS = {n: [list(p) for p in itertools.permutations(range(n))] for n in range(2, 7)}


def _wrong(rng: random.Random, answer: str, options: int) -> str:
    letters = "ABCDEF"[:options]
    if len(answer) > 1 and rng.random() < 0.7:  # a multiple choice half right
        return "".join(sorted(rng.sample(answer, len(answer) - 1)))
    choice = answer
    while choice == answer:
        choice = rng.choice(letters)
    return choice


PARTICIPANT_COLUMNS = (
    "campaign_id",
    "worker_id",
    "org_id",
    "name",
    "phone_enc",
    "phone_index",
    "phone_masked",
    "created_at",
    "sittings_count",
    "submitted_count",
    "best_score",
    "counted_score",
    "passed",
    "last_submitted_at",
)
SITTING_COLUMNS = (
    "campaign_id",
    "participant_id",
    "org_id",
    "number",
    "paper",
    "answers",
    "started_at",
    "deadline_at",
    "submitted_at",
    "closed_on_expiry",
    "score",
    "correct_count",
    "passed",
)
ANSWER_COLUMNS = ("campaign_id", "sitting_id", "question_id", "chosen", "is_correct")
RATES = "quiz_answer_rates"


def _copy_json(table: str, columns, rows, *, json_at: tuple[int, ...]) -> None:
    copy_rows(
        table,
        columns,
        [
            tuple(
                json.dumps(v, separators=(",", ":")) if i in json_at else v
                for i, v in enumerate(row)
            )
            for row in rows
        ],
    )


@contextmanager
def _rates_index_built_after():
    """Build the error-rate index once over 821,860 answers instead of row by row (three
    times faster on SQLite); PostgreSQL does the same for all the table's indexes."""
    if connection.vendor == "postgresql":
        with indexes_rebuilt("quizzes_sittinganswer", keep_unique=True):
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [RATES])
        found = cursor.fetchone()
        if found:
            cursor.execute(f"DROP INDEX {RATES}")
    yield
    if found:
        with connection.cursor() as cursor:
            cursor.execute(found[0])


def _at(moment: datetime):
    """A time as the database stores it (naive UTC text on SQLite, as Django writes it),
    for bulk rows; PostgreSQL takes the aware value as it is."""
    if connection.vendor == "sqlite":
        return str(moment.astimezone(UTC).replace(tzinfo=None))
    return moment
