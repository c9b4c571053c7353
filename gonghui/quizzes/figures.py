"""Live figures of a quiz campaign for its organisers (DESIGN rule 7): participants,
eligible workers and participation rate per unit rolled up the subtree, the score
distribution, per-question error rates, sittings over time and the ranking of units.

Every figure is one grouped query over the records (41,093 participants and their
sittings in the demo), read through the campaign the caller fetched with its scope, and
carries the time it was computed. A participant counts once they have submitted a sitting;
their score is the counted one (best or last, as the campaign says).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Func, IntegerField, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.members.models import Worker
from gonghui.orgs.models import Org
from gonghui.quizzes.models import Participant, Question, QuizCampaign, Sitting, SittingAnswer
from gonghui.quizzes.ranking import RankedUnit, UnitMeasures, rank_units
from gonghui.quizzes.selectors import eligible_workers

BUCKETS = [(low, low + 9 if low < 90 else 100) for low in range(0, 100, 10)]


@dataclass
class UnitLine:
    """One row per union: the figures of its whole subtree."""

    org: Org
    label: str
    eligible: int = 0
    participants: int = 0
    score_sum: int = 0
    passed: int = 0
    high: int = 0
    is_self: bool = False  # the viewed union's own workers, not a unit below it

    @property
    def rate(self) -> float:
        return self.participants / self.eligible if self.eligible else 0.0

    @property
    def average(self) -> float:
        return self.score_sum / self.participants if self.participants else 0.0

    @property
    def rate_percent(self) -> float:
        return round(self.rate * 100, 1)

    @property
    def bar(self) -> int:
        """The rate as a bar width in percent, capped at 100."""
        return min(round(self.rate * 100), 100)

    def measures(self) -> UnitMeasures:
        return UnitMeasures(
            self.org.pk,
            self.org.code,
            self.label,
            self.eligible,
            self.participants,
            self.score_sum,
            self.high,
        )


@dataclass
class QuestionLine:
    question_id: int
    stem: str
    kind: str
    answered: int
    wrong: int

    @property
    def error_rate(self) -> float:
        return round(self.wrong / self.answered * 100, 1) if self.answered else 0.0

    @property
    def bar(self) -> int:
        return round(self.error_rate)


@dataclass
class Figures:
    campaign: QuizCampaign
    unit: Org
    as_of: datetime
    total: UnitLine
    by_unit: list[UnitLine]
    buckets: list[tuple[str, int]]
    questions: list[QuestionLine]
    over_time: list[tuple[datetime, int]]
    per_hour: bool
    sittings: int
    ranking: list[RankedUnit] = field(default_factory=list)

    @property
    def bucket_peak(self) -> int:
        return max((n for _label, n in self.buckets), default=0) or 1

    @property
    def time_peak(self) -> int:
        return max((n for _at, n in self.over_time), default=0) or 1


def _unit_lines(campaign: QuizCampaign, unit: Org) -> tuple[UnitLine, list[UnitLine]]:
    length = len(unit.path) + Org.steplen
    children = list(
        Org.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("code")
    )
    own = UnitLine(unit, _("%(union)s itself") % {"union": unit.name}, is_self=True)
    lines = {unit.path: own} | {c.path: UnitLine(c, c.name) for c in children}
    total = UnitLine(unit, _("Total"))
    workers = (
        eligible_workers(campaign, unit)
        .order_by()
        .annotate(u=Substr("org__path", 1, length))
        .values("u")
        .annotate(n=Count("pk", distinct=True))
    )
    for row in workers:
        line = lines.get(row["u"], own)
        line.eligible += row["n"]
        total.eligible += row["n"]
    mark = campaign.high_score_mark
    people = Participant.objects.filter(campaign=campaign, counted_score__isnull=False)
    if unit.pk != campaign.org_id:
        people = people.filter(org__path__startswith=unit.path)
    grouped = (
        people.order_by()
        .annotate(u=Substr("org__path", 1, length))
        .values("u")
        .annotate(
            n=Count("pk"),
            score=Sum("counted_score"),
            passed=Count("pk", filter=Q(passed=True)),
            high=Count("pk", filter=Q(counted_score__gte=mark)),
        )
    )
    for row in grouped:
        line = lines.get(row["u"], own)
        for target in (line, total):
            target.participants += row["n"]
            target.score_sum += row["score"] or 0
            target.passed += row["passed"]
            target.high += row["high"]
    rows = [lines[c.path] for c in children]
    if own.eligible or own.participants or not children:
        rows.insert(0, own)
    return total, rows


def _buckets(campaign: QuizCampaign, unit: Org) -> list[tuple[str, int]]:
    people = Participant.objects.filter(campaign=campaign, counted_score__isnull=False)
    if unit.pk != campaign.org_id:
        people = people.filter(org__path__startswith=unit.path)
    counts = dict(
        people.order_by()
        .values_list("counted_score")
        .annotate(n=Count("pk"))
        .values_list("counted_score", "n")
    )
    return [
        (f"{low}–{high}", sum(n for score, n in counts.items() if low <= score <= high))
        for low, high in BUCKETS
    ]


def _questions(campaign: QuizCampaign, unit: Org, limit: int | None) -> list[QuestionLine]:
    if unit.pk == campaign.org_id:
        rows = list(
            SittingAnswer.objects.filter(campaign=campaign)
            .order_by()
            .values("question_id")
            .annotate(n=Count("pk"), wrong=Count("pk", filter=Q(is_correct=False)))
        )
    else:
        # From the unit's sittings to their answers: the (sitting, question) index serves
        # the join, where filtering 821,860 answers by their sitting's union would not.
        units = Org.objects.filter(path__startswith=unit.path).values("pk")
        rows = list(
            Sitting.objects.filter(campaign=campaign, org__in=units, answer_rows__isnull=False)
            .order_by()
            .values(question_id=F("answer_rows__question_id"))
            .annotate(
                n=Count("answer_rows"),
                wrong=Count("answer_rows", filter=Q(answer_rows__is_correct=False)),
            )
        )
    rows.sort(key=lambda r: (-(r["wrong"] / r["n"] if r["n"] else 0), r["question_id"]))
    rows = rows[:limit]
    questions = Question.objects.in_bulk([r["question_id"] for r in rows])
    return [
        QuestionLine(
            r["question_id"],
            questions[r["question_id"]].stem,
            questions[r["question_id"]].get_kind_display(),
            r["n"],
            r["wrong"],
        )
        for r in rows
        if r["question_id"] in questions
    ]


class LocalHour(Func):
    """Hours since the epoch in local time, computed by the database without calling back
    into Python for each row (Django's TruncHour does on SQLite, which costs a second
    over 41,093 sittings). The offset is the zone's at the moment of asking: right for
    China, which keeps no summer time."""

    output_field = IntegerField()

    def __init__(self, expression, offset_hours: float) -> None:
        super().__init__(expression)
        self.offset = float(offset_hours)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST((julianday({sql}) - 2440587.5) * 24 + %s AS INTEGER)", [*params, self.offset]

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(floor(extract(epoch from {sql}) / 3600 + %s) AS INTEGER)", [
            *params,
            self.offset,
        ]


def _over_time(
    campaign: QuizCampaign, unit: Org, per_hour: bool
) -> tuple[list[tuple[datetime, int]], int]:
    sittings = Sitting.objects.filter(campaign=campaign, submitted_at__isnull=False)
    if unit.pk != campaign.org_id:
        sittings = sittings.filter(org__path__startswith=unit.path)
    zone = timezone.get_current_timezone()
    offset = timezone.localtime(timezone.now(), zone).utcoffset().total_seconds() / 3600
    rows = (
        sittings.order_by()
        .annotate(hour=LocalHour("submitted_at", offset))
        .values("hour")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, int] = {}
    for row in rows:
        key = row["hour"] if per_hour else row["hour"] // 24
        counts[key] = counts.get(key, 0) + row["n"]
    step = 3600 if per_hour else 86400
    local_epoch = datetime(1970, 1, 1)  # the keys count local hours (days) from here
    series = [
        ((local_epoch + timedelta(seconds=key * step)).replace(tzinfo=zone), n)
        for key, n in sorted(counts.items())
    ]
    return series, sum(counts.values())


def campaign_figures(
    campaign: QuizCampaign,
    *,
    unit: Org | None = None,
    per_hour: bool | None = None,
    question_limit: int | None = 20,
) -> Figures:
    """The figures of ``campaign`` (fetched through the caller's scope) under ``unit``, a
    union of its subtree (default: the campaign's own union)."""
    unit = unit or campaign.org
    if per_hour is None:
        per_hour = campaign.ends_at - campaign.starts_at <= timedelta(days=2)
    total, by_unit = _unit_lines(campaign, unit)
    over_time, sittings = _over_time(campaign, unit, per_hour)
    ranked = rank_units(
        [line.measures() for line in by_unit if not line.is_self], campaign.ranking_weights
    )
    return Figures(
        campaign=campaign,
        unit=unit,
        as_of=timezone.now(),
        total=total,
        by_unit=by_unit,
        buckets=_buckets(campaign, unit),
        questions=_questions(campaign, unit, question_limit),
        over_time=over_time,
        per_hour=per_hour,
        sittings=sittings,
        ranking=ranked,
    )


def campaign_summary(campaign: QuizCampaign) -> UnitLine:
    """Only the totals (the campaign list and the dashboard card): two counts."""
    total = UnitLine(campaign.org, _("Total"))
    groups = list(campaign.groups.values_list("pk", flat=True))
    workers = Worker.objects.filter(org__path__startswith=campaign.org.path)
    if groups:
        workers = workers.filter(groups__in=groups).values("pk").distinct()
    total.eligible = workers.count()
    done = Participant.objects.filter(campaign=campaign, counted_score__isnull=False).aggregate(
        n=Count("pk"),
        score=Sum("counted_score"),
        passed=Count("pk", filter=Q(passed=True)),
        high=Count("pk", filter=Q(counted_score__gte=campaign.high_score_mark)),
    )
    total.participants, total.score_sum = done["n"], done["score"] or 0
    total.passed, total.high = done["passed"], done["high"]
    return total
