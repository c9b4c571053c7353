"""Shared records: the audit log (DESIGN rule 3) and spreadsheet imports (rule 4)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """Who did what to which object, when and from where.

    Append-only three times over: this model refuses to save an existing row or delete one,
    the admin is read-only, and database triggers (migration 0002) refuse UPDATE and DELETE.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The org whose records changed; decides who may see the event."),
    )
    acting_org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    via = models.CharField(_("channel"), max_length=16, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["org", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One spreadsheet import: uploaded, checked row by row (a dry run), then committed.

    ``kind`` names the app's import spec (core/imports/registry.py). Progress and counts are
    written as the background task goes, so the console and the API can show them live.
    """

    kind = models.CharField(_("kind"), max_length=32)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    acting_role_id = models.BigIntegerField(null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    stored_file = models.CharField(max_length=500, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # column key -> header in the file
    state = models.CharField(
        _("state"), max_length=16, choices=ImportState.choices, default=ImportState.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    existing = models.CharField(max_length=8, blank=True)  # "update" or "skip", at commit
    only_good = models.BooleanField(default=False)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def progress(self) -> float:
        """0 to 1 for the current step (checking or importing)."""
        if self.state in {ImportState.VALIDATED, ImportState.COMMITTED}:
            return 1.0
        return self.progress_done / self.progress_total if self.progress_total else 0.0

    @property
    def is_running(self) -> bool:
        return self.state in {ImportState.QUEUED, ImportState.VALIDATING, ImportState.COMMITTING}


class ImportIssue(models.Model):
    """A rejected row: its number in the spreadsheet, the column and the reason."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["row", "id"]

    def __str__(self) -> str:
        return f"{self.row} {self.column}: {self.reason}"


class ImportStagedRow(models.Model):
    """A checked row of a small import (hundreds or thousands of rows: stations, questions),
    kept as JSON until the commit creates the records one by one through their services.
    Kinds whose rows hold personal data or run to millions stage in tables of their own
    (members.WorkerImportRow)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+")
    row = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        ordering = ["row"]
        constraints = [models.UniqueConstraint(fields=["job", "row"], name="staged_row_once")]

    def __str__(self) -> str:
        return f"{self.job_id}#{self.row}"
