"""Staff accounts, their roles at orgs, and API tokens for integrations."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.permissions import RoleKind


class User(AbstractUser):
    display_name = models.CharField(_("name"), max_length=50, blank=True)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


class Role(models.Model):
    """A staff user's role at one org; it covers that org's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="roles")
    kind = models.CharField(_("role"), max_length=16, choices=RoleKind.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    # May read and keep hardship files (困难帮扶) in the subtree: personal circumstances that
    # even an administrator sees only when another administrator grants it (Perm.HARDSHIP).
    hardship_access = models.BooleanField(_("hardship files"), default=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "org"], name="role_user_org_unique")]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_kind_display()}"


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
