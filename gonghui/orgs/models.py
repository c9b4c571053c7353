"""The union organisation tree: one materialised-path tree so a subtree is a prefix query."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class OrgKind(models.TextChoices):
    FEDERATION = "federation", _("Federation")
    AREA = "area", _("Area union")
    COMMUNITY = "community", _("Community union")
    GRASSROOTS = "grassroots", _("Grassroots union")
    BRANCH = "branch", _("Branch union")


# Which kinds an org of each kind may have directly below it.
ALLOWED_CHILD_KINDS: dict[str, frozenset[str]] = {
    OrgKind.FEDERATION: frozenset(OrgKind),
    OrgKind.AREA: frozenset({OrgKind.AREA, OrgKind.COMMUNITY, OrgKind.GRASSROOTS}),
    OrgKind.COMMUNITY: frozenset({OrgKind.GRASSROOTS}),
    OrgKind.GRASSROOTS: frozenset({OrgKind.BRANCH}),
    OrgKind.BRANCH: frozenset({OrgKind.BRANCH}),
}


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class Org(MP_Node):
    # 4 characters of 0-9A-Z per level: 1.6 million children under one parent.
    steplen = 4

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )
    # Search keys kept by the services: full pinyin ("longtanjiedaozonggonghui") and initials.
    name_pinyin = models.CharField(max_length=400, blank=True, db_index=True)
    name_initials = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("union organisation")
        verbose_name_plural = _("union organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="org_credit_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE


class OrgMove(models.Model):
    """One move of a subtree to another parent, kept so the tree's history can be read back."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="moves")
    from_parent = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    to_parent = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    moved_at = models.DateTimeField(default=timezone.now)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-moved_at"]
        verbose_name = _("org move")

    def __str__(self) -> str:
        return f"{self.org} {self.from_parent} -> {self.to_parent}"
