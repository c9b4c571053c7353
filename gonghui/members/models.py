"""The workers register: the working people a union serves, members or not.

Resident ID and phone are never stored in plain text (DESIGN rule 2): see core/crypto.py for
the ``*_enc`` / ``*_index`` / ``*_masked`` triple. Gender and birth date are read from the ID
when there is one, so they cannot disagree with it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmploymentForm(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    DISPATCHED = "dispatched", _("Dispatched worker")
    COURIER = "courier", _("Courier")
    RIDER = "rider", _("Food-delivery rider")
    RIDE_HAIL = "ride_hail", _("Ride-hail driver")
    TRUCKER = "trucker", _("Truck driver")
    GIG_OTHER = "gig_other", _("Other gig work")


# New forms of employment (新就业形态): platform and gig work.
GIG_FORMS = frozenset(
    {
        EmploymentForm.COURIER,
        EmploymentForm.RIDER,
        EmploymentForm.RIDE_HAIL,
        EmploymentForm.TRUCKER,
        EmploymentForm.GIG_OTHER,
    }
)


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class MembershipStatus(models.TextChoices):
    NONE = "none", _("Not a member")
    MEMBER = "member", _("Member")
    LEFT = "left", _("Left the union")


class WorkerGroup(models.Model):
    """A group a worker belongs to for targeting: outdoor worker, frontline, hardship ..."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("worker group")
        verbose_name_plural = _("worker groups")

    def __str__(self) -> str:
        return self.name


class Employer(models.Model):
    """A worker's employer or platform; linked to its grassroots union when it has one.

    Employers are shared by every union (a platform employs riders in every district), and
    hold nothing personal, so they are not scoped by org.
    """

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    union = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("grassroots union"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employers",
    )
    name_pinyin = models.CharField(max_length=400, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name_pinyin"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="employer_credit_code_unique",
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(credit_code=""), name="employer_name_unique_no_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Worker(models.Model):
    # Indexes are chosen for the searches the register answers (selectors.worker_search_q)
    # and kept few: each one costs time on every row of a million-row import.
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="workers",
        db_index=False,  # (org, name_pinyin) below serves lookups by org
    )
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(max_length=200, db_index=True)  # + LIKE index on PostgreSQL
    name_initials = models.CharField(max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)

    id_number_enc = models.BinaryField(null=True, editable=False)
    # NULL, not "": many workers have no ID on record, and the unique index must allow that.
    id_number_index = models.CharField(max_length=32, null=True, editable=False)  # noqa: DJ001
    id_number_masked = models.CharField(_("resident ID"), max_length=18, blank=True)
    phone_enc = models.BinaryField(null=True, editable=False)
    phone_index = models.CharField(max_length=32, null=True, editable=False)  # noqa: DJ001
    phone_masked = models.CharField(_("mobile phone"), max_length=11, blank=True)
    # The last four digits are shown in the masked form anyway; kept for "find by tail".
    phone_tail = models.CharField(max_length=4, blank=True)

    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workers",
    )
    employment_form = models.CharField(
        _("employment form"),
        max_length=16,
        choices=EmploymentForm.choices,
        default=EmploymentForm.EMPLOYEE,
    )
    groups = models.ManyToManyField(
        WorkerGroup, verbose_name=_("groups"), blank=True, related_name="workers"
    )

    membership_status = models.CharField(
        _("membership"),
        max_length=8,
        choices=MembershipStatus.choices,
        default=MembershipStatus.NONE,
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    # Given when a membership application is accepted (services/applications.py): the
    # accepting union's code and a number counted per union under a row lock.
    membership_number = models.CharField(  # noqa: DJ001 (NULL: unique among those who have one)
        _("membership number"), max_length=48, null=True, blank=True, unique=True
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # Personal values stored as *_enc / *_index / *_masked (core/crypto.py, rotate_keys).
    protected_fields = ("id_number", "phone")

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="worker_id_number_unique"),
        ]
        indexes = [
            models.Index(fields=["org", "name_pinyin"], name="worker_org_pinyin"),
            models.Index(fields=["phone_index"], name="worker_phone"),
            models.Index(fields=["phone_tail"], name="worker_phone_tail"),
            # prefix searches (LIKE 'zs%'): pattern indexes on PostgreSQL, plain elsewhere
            models.Index(
                fields=["name"], name="worker_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["name_initials"],
                name="worker_initials_prefix",
                opclasses=["varchar_pattern_ops"],
                include=["name_pinyin", "org"],
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_gig(self) -> bool:
        return self.employment_form in GIG_FORMS

    @property
    def is_member(self) -> bool:
        return self.membership_status == MembershipStatus.MEMBER


class WorkerTransfer(models.Model):
    """A worker moved from one union's register to another's (会员组织关系接转)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="transfers")
    from_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    transferred_at = models.DateTimeField(default=timezone.now)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-transferred_at", "-id"]
        verbose_name = _("worker transfer")
        verbose_name_plural = _("worker transfers")

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.from_org_id} -> {self.to_org_id}"


class WorkerImportRow(models.Model):
    """A validated, protected row of an import waiting for its commit (staging).

    Holds only what the register will hold (encrypted, indexed, masked), never plain text;
    the commit copies these rows into Worker with one INSERT ... SELECT.
    """

    # Staging is written at full speed and read once: no index or constraint beyond the
    # one the commit joins on.
    job = models.ForeignKey(
        "core.ImportJob", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    row = models.PositiveIntegerField()
    org = models.ForeignKey(
        "orgs.Org",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    name = models.CharField(max_length=50)
    name_pinyin = models.CharField(max_length=200)
    name_initials = models.CharField(max_length=50)
    gender = models.CharField(max_length=1, blank=True)
    birth_date = models.DateField(null=True)
    id_number_enc = models.BinaryField(null=True)
    id_number_index = models.CharField(max_length=32, null=True)  # noqa: DJ001
    id_number_masked = models.CharField(max_length=18, blank=True)
    phone_enc = models.BinaryField(null=True)
    phone_index = models.CharField(max_length=32, null=True)  # noqa: DJ001
    phone_masked = models.CharField(max_length=11, blank=True)
    phone_tail = models.CharField(max_length=4, blank=True)
    employer_name = models.CharField(max_length=100, blank=True)  # created at commit if new
    employment_form = models.CharField(max_length=16)
    membership_status = models.CharField(max_length=8)
    joined_on = models.DateField(null=True)

    protected_fields = ("id_number", "phone")

    class Meta:
        indexes = [models.Index(fields=["job", "id_number_index"], name="workerimport_job_idx")]

    def __str__(self) -> str:
        return f"{self.job_id}#{self.row}"


class OneTimeCode(models.Model):
    """A code texted to a phone to prove the person holds it (workers' H5 sign-in).

    Only the phone's blind index and a keyed hash of the code are stored. A code works once
    (the first verification marks it used with a conditional update), for a few minutes,
    for a handful of attempts; how often a phone or an address may ask is limited too.
    """

    phone_index = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=32, default="sign_in")
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["phone_index", "-created_at"], name="otp_phone_recent"),
            models.Index(fields=["ip", "-created_at"], name="otp_ip_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


# -- Joining the union online (网上入会) ------------------------------------------------------


class Industry(models.TextChoices):
    EXPRESS = "express", _("Express delivery and logistics")
    FOOD_DELIVERY = "food_delivery", _("Food delivery")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing")
    FREIGHT = "freight", _("Road freight")
    DOMESTIC = "domestic", _("Domestic services")
    PROPERTY = "property", _("Property management and security")
    SANITATION = "sanitation", _("Sanitation")
    CATERING = "catering", _("Catering")
    RETAIL = "retail", _("Retail and trade")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    CONSTRUCTION = "construction", _("Construction")
    OTHER = "other", _("Other industries")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class RouteKind(models.TextChoices):
    """Why an application went to the union that first received it."""

    EMPLOYER_UNION = "employer_union", _("The employer's union")
    RULE = "rule", _("A routing rule")
    PLACE = "place", _("The union of the place of work")
    DISTRICT = "district", _("The district federation")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Application sent")
    PASSED_ON = "passed_on", _("Passed on")
    ESCALATED = "escalated", _("Escalated")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class EmployerAlias(models.Model):
    """A name people use for an employer or platform: 美团 for 北京三快科技有限公司.
    Applicants type the name they know; this finds the registered employer."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("also known as"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("employer alias")
        verbose_name_plural = _("employer aliases")

    def __str__(self) -> str:
        return self.alias


class JoinPolicy(models.Model):
    """A federation's time limit for deciding the applications handled in its subtree."""

    org = models.OneToOneField(
        "orgs.Org", verbose_name=_("federation"), on_delete=models.PROTECT, related_name="+"
    )
    decide_within_days = models.PositiveSmallIntegerField(
        _("decide within (working days)"), default=15
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("joining time limit")
        verbose_name_plural = _("joining time limits")

    def __str__(self) -> str:
        return f"{self.org_id}: {self.decide_within_days}"


class RoutingRule(models.Model):
    """Where applications from a place of work go when they do not go to the employer's own
    union (it has none, or the applicant asked that the employer not be told): kept by a
    federation or an area union for places within its subtree, per industry or for all."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        "orgs.Org", verbose_name=_("place of work"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices, blank=True)
    target = models.ForeignKey(
        "orgs.Org", verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(fields=["place", "industry"], name="routing_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.place_id}/{self.industry or '*'} -> {self.target_id}"


class MembershipApplication(models.Model):
    """A worker's application to join the union (入会申请), made on their phone.

    ``org`` is the union handling it now: the one it was routed to, or passed on to. Resident
    ID and phone are stored like a worker's (core/crypto.py). A person has at most one open
    application: the partial unique index on the ID's blind index refuses a second one."""

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("handling union"),
        on_delete=models.PROTECT,
        related_name="membership_applications",
        db_index=False,  # (org, status, due_on) below
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(max_length=200)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number_enc = models.BinaryField(editable=False)
    id_number_index = models.CharField(max_length=32, editable=False)
    id_number_masked = models.CharField(_("resident ID"), max_length=18)
    phone_enc = models.BinaryField(editable=False)
    phone_index = models.CharField(max_length=32, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=11)

    employment_form = models.CharField(
        _("employment form"), max_length=16, choices=EmploymentForm.choices
    )
    employer_name = models.CharField(_("employer as given"), max_length=100, blank=True)
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # The employer's union when the application was made: it never sees an application whose
    # applicant asked that the employer not be told, until the application is accepted.
    employer_union = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    not_notify_employer = models.BooleanField(_("employer not to be told"), default=False)
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices)
    work_place = models.ForeignKey(
        "orgs.Org", verbose_name=_("place of work"), on_delete=models.PROTECT, related_name="+"
    )
    consent_version = models.CharField(max_length=16)
    consented_at = models.DateTimeField()

    route = models.CharField(_("routed by"), max_length=16, choices=RouteKind.choices)
    rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_on = models.DateField(_("submitted on"))
    due_on = models.DateField(_("decide by"))

    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Working days from the day after submission to the decision, kept for the medians.
    decision_days = models.PositiveSmallIntegerField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )

    protected_fields = ("id_number", "phone")

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=Q(status="pending"),
                name="application_one_open_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "status", "due_on"], name="application_org_status"),
            models.Index(fields=["phone_index"], name="application_phone"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pending(self) -> bool:
        return self.status == ApplicationStatus.PENDING


class ApplicationEvent(models.Model):
    """What happened to an application: submitted, passed on, escalated, decided. An
    escalation to a level is recorded once (the partial unique index)."""

    application = models.ForeignKey(
        MembershipApplication, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    from_org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "level"],
                condition=Q(kind="escalated"),
                name="application_escalated_once_per_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"


class MembershipNumberCounter(models.Model):
    """The last membership number a union gave; taken under a row lock, so two acceptances
    at the same moment never get the same number."""

    org = models.OneToOneField("orgs.Org", on_delete=models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.org_id}: {self.last}"
