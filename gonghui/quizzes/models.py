"""Online quiz campaigns (在线答题活动): question banks, campaigns that draw a paper per
sitting by tag quotas, the people who take part, their sittings and answers.

The database holds the rules that concurrency could break (DESIGN rule 5):

- one participant per (campaign, phone) — a unique constraint on the phone's blind index;
- a sitting limit — sittings are numbered 1..sittings_allowed per participant and
  (participant, number) is unique, so two browsers starting "sitting 1" at once cannot
  both succeed (the service never writes a number beyond the campaign's allowance);
- a submission counts once — it is a conditional update (``submitted_at IS NULL``), and the
  per-question rows are unique per (sitting, question).

Answer letters are always stored against the question's own option order (``Question.answer``),
never against the shuffled order the worker saw; the paper keeps the permutation.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.orgs.models import Org

LETTERS = "ABCDEF"
TRUE_FALSE_OPTIONS = ["正确", "错误"]


def new_token() -> str:
    return secrets.token_urlsafe(12)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class QuestionBank(models.Model):
    """A union's bank of questions (题库); campaigns draw from one or several banks."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="quiz_bank_org_name")]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """One question (试题). ``options`` holds 2..6 texts; ``answer`` the right letters,
    sorted ("A", "AC"); a true/false question has the options 正确 / 错误."""

    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("question bank"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    stem = models.TextField(_("question"))
    options = models.JSONField(_("options"), default=list)
    answer = models.CharField(_("answer"), max_length=6)
    explanation = models.TextField(_("explanation"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["bank", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["bank", "is_active"], name="quiz_question_bank_active")]

    def __str__(self) -> str:
        return self.stem[:40]


class Counting(models.TextChoices):
    BEST = "best", _("Best sitting counts")
    LAST = "last", _("Last sitting counts")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("quiz campaign status", "Open")
    CLOSED = "closed", _("Closed")


def default_ranking_weights() -> dict:
    return {"participation_rate": 0.5, "average_score": 0.3, "high_score_share": 0.2}


class QuizCampaign(models.Model):
    """An online quiz (在线答题活动) open to the workers of ``org``'s subtree for a window."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    intro = models.TextField(_("introduction"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # Empty: every worker of the subtree is eligible.
    groups = models.ManyToManyField(
        "members.WorkerGroup", verbose_name=_("worker groups"), blank=True, related_name="+"
    )
    time_limit_seconds = models.PositiveIntegerField(_("time limit (seconds)"), default=600)
    sittings_allowed = models.PositiveSmallIntegerField(_("sittings allowed"), default=1)
    counting = models.CharField(
        _("which sitting counts"), max_length=8, choices=Counting.choices, default=Counting.BEST
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), default=60)
    show_answers = models.BooleanField(_("show answers after submitting"), default=True)
    allow_unregistered = models.BooleanField(_("allow people not in the register"), default=False)
    offers_certificate = models.BooleanField(_("offers a certificate"), default=False)
    high_score_mark = models.PositiveSmallIntegerField(_("high score from"), default=90)
    ranking_weights = models.JSONField(_("ranking weights"), default=default_ranking_weights)
    status = models.CharField(
        _("status"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("quiz campaign")
        verbose_name_plural = _("quiz campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(sittings_allowed__gte=1), name="quiz_sittings_min"),
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="quiz_pass_mark_max"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="quiz_window"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def time_limit_minutes(self) -> int:
        return (self.time_limit_seconds + 59) // 60

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == CampaignStatus.OPEN and self.starts_at <= now < self.ends_at


class TagQuota(models.Model):
    """How many questions each sitting draws from one bank with one tag (blank: any tag)."""

    campaign = models.ForeignKey(QuizCampaign, on_delete=models.CASCADE, related_name="quotas")
    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("question bank"), on_delete=models.PROTECT, related_name="+"
    )
    tag = models.CharField(_("tag"), max_length=50, blank=True)
    count = models.PositiveSmallIntegerField(_("questions"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("tag quota")
        verbose_name_plural = _("tag quotas")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "bank", "tag"], name="quiz_quota_once"),
            models.CheckConstraint(condition=Q(count__gte=1), name="quiz_quota_min"),
        ]

    def __str__(self) -> str:
        return f"{self.bank_id}/{self.tag or '*'} × {self.count}"


class Participant(models.Model):
    """A person taking part in one campaign: a worker of the register, or (when the campaign
    allows it) someone not registered yet who gave name, phone and unit. ``org`` is the unit
    the figures count them under. The counters are written at submit, in its transaction."""

    campaign = models.ForeignKey(
        QuizCampaign, on_delete=models.CASCADE, related_name="participants"
    )
    worker = models.ForeignKey(
        "members.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(Org, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    phone_enc = models.BinaryField(null=True, editable=False)
    phone_index = models.CharField(max_length=32, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=11, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    sittings_count = models.PositiveSmallIntegerField(default=0)  # started
    submitted_count = models.PositiveSmallIntegerField(default=0)
    best_score = models.PositiveSmallIntegerField(null=True, blank=True)
    counted_score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    last_submitted_at = models.DateTimeField(null=True, blank=True)

    protected_fields = ("phone",)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "phone_index"], name="quiz_participant_once"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "org"], name="quiz_participant_org"),
            models.Index(fields=["worker"], name="quiz_participant_worker"),
        ]

    def __str__(self) -> str:
        return self.name


class Sitting(models.Model):
    """One go at the campaign's paper (答卷). ``paper`` is ``[{"q": id, "p": [..]}]``: the
    questions in order and, for each, the original option index shown at each position.
    ``answers`` maps a question id (str) to its chosen letters in the original order, saved
    as the worker goes so an interrupted sitting resumes. Timing is the server's."""

    campaign = models.ForeignKey(QuizCampaign, on_delete=models.CASCADE, related_name="sittings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sittings")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # participant's unit
    number = models.PositiveSmallIntegerField()
    paper = models.JSONField(default=list)
    answers = models.JSONField(default=dict)
    started_at = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    # True when the server closed it at its deadline rather than the worker submitting.
    closed_on_expiry = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(default=False)

    class Meta:
        ordering = ["participant", "number"]
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "number"], name="quiz_sitting_number_once"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="quiz_sitting_number_min"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="quiz_score_max"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "submitted_at"], name="quiz_sitting_submitted"),
            models.Index(
                fields=["deadline_at"],
                name="quiz_sitting_open",
                condition=Q(submitted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} #{self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class SittingAnswer(models.Model):
    """One question of one submitted sitting and whether it was right (per-question error
    rates); written in one bulk insert at submit."""

    campaign = models.ForeignKey(
        QuizCampaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sitting = models.ForeignKey(
        Sitting, on_delete=models.CASCADE, related_name="answer_rows", db_index=False
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    chosen = models.CharField(max_length=6, blank=True)
    is_correct = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sitting", "question"], name="quiz_answer_once"),
        ]
        indexes = [
            models.Index(fields=["campaign", "question", "is_correct"], name="quiz_answer_rates"),
        ]

    def __str__(self) -> str:
        return f"{self.sitting_id}/{self.question_id}"
