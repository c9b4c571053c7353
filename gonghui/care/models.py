"""Relief campaigns (送温暖): supplies and their stock, kits, campaigns, hand-outs, spending
rules, and hardship files (困难帮扶).

Stock is a ledger (StockMovement) plus one balance row per site and item (StockBalance) that
only conditional updates change, guarded by a CHECK (quantity >= 0): the database, not
Python, refuses to let stock go negative. A hand-out (Distribution) carries a limit key
(its campaign, or the limit group spanning several campaigns) and a partial unique index
on (worker, limit key) among rows not voided refuses a second one; a client-made request id,
unique too, makes a retried scan return the first answer. Money is kept in fen (分).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.models import Org


class ItemCategory(models.TextChoices):
    FOOD = "food", _("Food")
    DRINK = "drink", _("Drinks")
    MEDICAL = "medical", _("Medicines and tests")
    PROTECTIVE = "protective", _("Protective equipment")
    DAILY = "daily", _("Daily necessities")
    KIT = "kit", _("Kit")
    CASH = "cash", _("Cash")
    SHOPPING_CARD = "shopping_card", _("Shopping cards and vouchers")
    OTHER = "other", _("Other")


class Item(models.Model):
    """A supply (慰问物资) a union keeps and hands out, or a kit type (``is_kit``) whose
    components are listed in KitComponent. Both are counted in the same stock balances."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    unit = models.CharField(_("unit"), max_length=10)
    category = models.CharField(_("category"), max_length=16, choices=ItemCategory.choices)
    # What one unit is worth when handed out: the figure spending rules and reports use.
    unit_value_fen = models.PositiveBigIntegerField(_("value per unit (fen)"), default=0)
    is_kit = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["is_kit", "name"]
        verbose_name = _("supply")
        verbose_name_plural = _("supplies")
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="care_item_org_name")]

    def __str__(self) -> str:
        return self.name


class KitManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(is_kit=True)


class Kit(Item):
    """A kit type (防疫包, 慰问包): an Item whose stock is packed from its components."""

    objects = KitManager()

    class Meta:
        proxy = True
        verbose_name = _("kit")
        verbose_name_plural = _("kits")


class KitComponent(models.Model):
    kit = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="components")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kit", "item"], name="care_kit_component_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="care_kit_component_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.kit_id}: {self.item_id} × {self.quantity}"


class Site(models.Model):
    """A place where supplies are kept and handed out: a union office, a station, a square."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="care_site_org_name")]

    def __str__(self) -> str:
        return self.name


class StockBalance(models.Model):
    """How much of one item (or kit) a site holds. Changed only by conditional updates in
    the services (``quantity = quantity - n WHERE quantity >= n``); the CHECK is the last word."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the site's
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    quantity = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "item"], name="care_balance_site_item"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="care_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}/{self.item_id}: {self.quantity}"


class SourceKind(models.TextChoices):
    DONATED = "donated", _("Donated")
    BOUGHT = "bought", _("Bought")
    ALLOCATED = "allocated", _("Allocated by a higher union")


class Receipt(models.Model):
    """Supplies coming in (入库): donated, bought or allocated, with source and value."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("supply"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    value_fen = models.PositiveBigIntegerField(_("value (fen)"))
    source_kind = models.CharField(_("how obtained"), max_length=16, choices=SourceKind.choices)
    source = models.CharField(_("source"), max_length=100)
    received_on = models.DateField(_("received on"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="care_receipt_qty")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} +{self.quantity}"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Received")
    TRANSFER_OUT = "transfer_out", _("Transferred out")
    TRANSFER_IN = "transfer_in", _("Transferred in")
    PACK_OUT = "pack_out", _("Packed into kits")
    PACK_IN = "pack_in", _("Kits packed")
    HAND_OUT = "hand_out", _("Handed out")
    VOID = "void", _("Hand-out voided")
    ADJUST = "adjust", _("Adjustment")


class StockMovement(models.Model):
    """One change of one balance (the ledger): the balance is always the sum of its deltas.
    Movements made together (a transfer's two ends, one packing) share a ``batch``."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the site's
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="movements")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements")
    delta = models.BigIntegerField()
    kind = models.CharField(max_length=16, choices=MovementKind.choices)
    batch = models.UUIDField(default=uuid.uuid4)
    note = models.CharField(_("reason"), max_length=200, blank=True)
    receipt = models.ForeignKey(Receipt, null=True, on_delete=models.PROTECT, related_name="+")
    distribution = models.ForeignKey(
        "Distribution", null=True, on_delete=models.PROTECT, related_name="movements"
    )
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["site", "item"]), models.Index(fields=["org", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id} {self.delta:+d}"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class LimitGroup(models.Model):
    """Several campaigns counted as one for "once per person" within a period: the same
    courier collecting in two streets gets one kit (e.g. a district's winter 送温暖)."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        verbose_name = _("limit group")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="care_limitgroup_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CareCampaign(models.Model):
    """送温暖 / 慰问: what each recipient gets (a kit or loose items), for whom, where, when."""

    org = models.ForeignKey(
        Org, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    # Who may receive: worker groups and/or employment forms; both empty means anyone.
    target_groups = models.ManyToManyField("members.WorkerGroup", blank=True, related_name="+")
    target_forms = models.JSONField(default=list, blank=True)
    kit = models.ForeignKey(
        Item,
        verbose_name=_("kit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    limit_group = models.ForeignKey(
        LimitGroup,
        verbose_name=_("limit group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("relief campaign")
        verbose_name_plural = _("relief campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="care_campaign_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def limit_key(self) -> str:
        """What "once per person" counts against: this campaign or its limit group."""
        return f"g{self.limit_group_id}" if self.limit_group_id else f"c{self.pk}"


class CampaignItem(models.Model):
    """Loose items each recipient gets when the campaign hands out no kit."""

    campaign = models.ForeignKey(CareCampaign, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "item"], name="care_campaign_item_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="care_campaign_item_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


class CampaignSite(models.Model):
    """A site where a campaign hands out, and the staff who may scan there."""

    campaign = models.ForeignKey(CareCampaign, on_delete=models.CASCADE, related_name="sites")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the site's
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "site"], name="care_campaign_site_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}@{self.site_id}"


class RuleKind(models.TextChoices):
    YEARLY_CAP = "yearly_cap", _("Yearly cap on value per person")
    FORBIDDEN_CATEGORIES = "forbidden", _("Forbidden kinds of supplies")


class SpendingRule(models.Model):
    """A rule union finance regulations set, applying to every campaign in the org's subtree,
    named with the regulation it follows."""

    org = models.ForeignKey(
        Org, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    regulation = models.CharField(_("regulation"), max_length=300)
    amount_fen = models.PositiveBigIntegerField(_("cap (fen)"), null=True, blank=True)
    categories = models.JSONField(_("forbidden categories"), default=list, blank=True)
    active = models.BooleanField(_("in force"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["org__path", "name"]
        verbose_name = _("spending rule")

    def __str__(self) -> str:
        return self.name


class RuleTotal(models.Model):
    """What one person has received under one yearly cap in one year, kept by conditional
    updates (``value = value + v WHERE value + v <= cap``), so parallel hand-outs cannot
    pass the cap together. Voids give the value back."""

    rule = models.ForeignKey(SpendingRule, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey("members.Worker", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    value_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "worker", "year"], name="care_ruletotal_once"),
            models.CheckConstraint(condition=Q(value_fen__gte=0), name="care_ruletotal_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.worker_id}/{self.year}"


class Distribution(models.Model):
    """One hand-out (发放) to one person at one site: person-times count these rows."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the site's
    campaign = models.ForeignKey(
        CareCampaign, on_delete=models.PROTECT, related_name="distributions"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey("members.Worker", on_delete=models.PROTECT, related_name="+")
    limit_key = models.CharField(max_length=24)
    request_id = models.UUIDField(unique=True)
    target = models.CharField(_("counted as"), max_length=32, blank=True)
    value_fen = models.PositiveBigIntegerField(default=0)
    day = models.DateField(_("day"))  # in China
    handed_at = models.DateTimeField(_("handed out at"), default=timezone.now)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-handed_at", "-id"]
        verbose_name = _("hand-out")
        verbose_name_plural = _("hand-outs")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "limit_key"],
                condition=Q(voided_at__isnull=True),
                name="care_once_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "day"]),
            models.Index(fields=["campaign", "site"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.worker_id}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


# -- hardship files (困难帮扶) ------------------------------------------------------------


class HardshipReason(models.TextChoices):
    ILLNESS = "illness", _("Serious illness")
    DISABILITY = "disability", _("Disability")
    UNEMPLOYMENT = "unemployment", _("Unemployment or low income")
    DISASTER = "disaster", _("Accident or disaster")
    EDUCATION = "education", _("Children's schooling")
    OTHER = "other", _("Other")


class HardshipStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ASSESSED = "assessed", _("Assessed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


class HardshipCase(models.Model):
    """A hardship file (困难职工档案): the household, its assessment, approval at the level
    above the union that filed it, the help given and the yearly review."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        "members.Worker", verbose_name=_("worker"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("main cause"), max_length=16, choices=HardshipReason.choices)
    household_size = models.PositiveSmallIntegerField(_("household members"))
    monthly_income_fen = models.PositiveBigIntegerField(_("household income per month (fen)"))
    household = models.TextField(_("household details"))
    status = models.CharField(
        _("status"), max_length=10, choices=HardshipStatus.choices, default=HardshipStatus.APPLIED
    )
    applied_on = models.DateField(_("applied on"))
    assessment = models.TextField(_("assessment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        constraints = [
            # one open file per person: a new one only after the last was closed or rejected
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(status__in=["applied", "assessed", "approved"]),
                name="care_hardship_one_open_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.applied_on}"

    @property
    def per_capita_fen(self) -> int:
        return self.monthly_income_fen // max(self.household_size, 1)


class AssistanceKind(models.TextChoices):
    CASH = "cash", _("Cash")
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Services")


class HardshipAssistance(models.Model):
    case = models.ForeignKey(HardshipCase, on_delete=models.PROTECT, related_name="assistance")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the case's
    kind = models.CharField(_("kind"), max_length=10, choices=AssistanceKind.choices)
    amount_fen = models.PositiveBigIntegerField(_("amount or value (fen)"))
    description = models.CharField(_("what was given"), max_length=200)
    given_on = models.DateField(_("given on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_fen}"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("Still in hardship: keep the file")
    CLOSE = "close", _("Out of hardship: close the file")


class HardshipReview(models.Model):
    """The yearly review (年度复核) of an approved file: once per file and year."""

    case = models.ForeignKey(HardshipCase, on_delete=models.PROTECT, related_name="reviews")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["case", "year"], name="care_review_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.year}"
