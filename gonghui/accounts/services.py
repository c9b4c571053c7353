"""Staff accounts, roles and API tokens. Admins manage accounts only inside their subtree."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import ApiToken, Role, User, token_digest
from gonghui.core import fastsql
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError, ForbiddenError
from gonghui.core.localcache import LocalCache
from gonghui.core.permissions import Perm, RoleKind
from gonghui.core.scope import Scope, forget_grants
from gonghui.orgs.models import Org

TOKEN_PREFIX = "gh"


def _validate_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(
            _("The password is too weak."), fields={"password": list(exc.messages)}
        ) from exc


def _require_manages_user(scope: Scope, user: User) -> None:
    """An admin may change an account only if every role it holds lies in the admin's scope."""
    roles = list(user.roles.select_related("org"))
    if not roles or not all(scope.can(Perm.MANAGE_STAFF, role.org) for role in roles):
        raise ForbiddenError(_("This account also works for organisations outside your scope."))


def staff_create(
    *,
    scope: Scope,
    org: Org,
    username: str,
    display_name: str,
    password: str,
    role: str = RoleKind.OFFICER,
    email: str = "",
) -> User:
    """Create a staff account holding ``role`` at ``org``."""
    scope.require(Perm.MANAGE_STAFF, org)
    username = username.strip()
    if not username:
        raise ApplicationError(_("Enter a username."), fields={"username": [_("Required.")]})
    if role not in RoleKind.values:
        raise ApplicationError(_("Choose a valid role."), fields={"role": [_("Invalid.")]})
    user = User(username=username, display_name=display_name.strip(), email=email.strip())
    _validate_password(password, user)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ConflictError(
                _("The username is taken."), fields={"username": [_("Already used.")]}
            )
        user.set_password(password)
        user.save()
        Role.objects.create(user=user, org=org, kind=role)
        audit_record(
            scope=scope,
            action="staff.create",
            org=org,
            target=user,
            after={
                "username": user.username,
                "display_name": user.display_name,
                "role": f"{org.name}:{role}",
            },
        )
    return user


def staff_update(*, scope: Scope, user: User, display_name: str, email: str = "") -> User:
    _require_manages_user(scope, user)
    with transaction.atomic():
        before = {"display_name": user.display_name, "email": user.email}
        user.display_name, user.email = display_name.strip(), email.strip()
        user.save(update_fields=["display_name", "email"])
        audit_record(
            scope=scope,
            action="staff.update",
            org=user.roles.first().org,
            target=user,
            before=before,
            after={"display_name": user.display_name, "email": user.email},
        )
    return user


def role_grant(*, scope: Scope, user: User, org: Org, role: str) -> Role:
    """Give ``user`` a role at ``org`` (or change the one held there)."""
    scope.require(Perm.MANAGE_STAFF, org)
    if role not in RoleKind.values:
        raise ApplicationError(_("Choose a valid role."), fields={"role": [_("Invalid.")]})
    if not user.roles.exists() or not any(
        scope.covers(r.org) for r in user.roles.select_related("org")
    ):
        raise ForbiddenError()
    with transaction.atomic():
        existing = Role.objects.select_for_update().filter(user=user, org=org).first()
        before = {"role": f"{org.name}:{existing.kind}"} if existing else {}
        grant, _created = Role.objects.update_or_create(user=user, org=org, defaults={"kind": role})
        forget_grants(user.pk)
        audit_record(
            scope=scope,
            action="role.grant",
            org=org,
            target=user,
            before=before,
            after={"role": f"{org.name}:{role}"},
        )
    return grant


def role_revoke(*, scope: Scope, role: Role) -> None:
    scope.require(Perm.MANAGE_STAFF, role.org)
    if role.user_id == scope.user.pk:
        raise ApplicationError(_("You cannot remove your own role."))
    with transaction.atomic():
        audit_record(
            scope=scope,
            action="role.revoke",
            org=role.org,
            target=role.user,
            before={"role": f"{role.org.name}:{role.kind}"},
            after={},
        )
        role.delete()
        forget_grants(role.user_id)


def role_set_hardship_access(*, scope: Scope, role: Role, allowed: bool) -> Role:
    """Let a role read and keep hardship files in its subtree (Perm.HARDSHIP), or stop it.

    Only an administrator above the role's org decides, and never for their own account:
    the permission opens households' circumstances, so two people are involved."""
    scope.require(Perm.MANAGE_STAFF, role.org)
    if role.user_id == scope.user.pk:
        raise ForbiddenError(_("Another administrator must grant or remove this for you."))
    with transaction.atomic():
        role = Role.objects.select_for_update().select_related("org").get(pk=role.pk)
        if role.hardship_access == allowed:
            return role
        role.hardship_access = allowed
        role.save(update_fields=["hardship_access"])
        forget_grants(role.user_id)
        audit_record(
            scope=scope,
            action="role.hardship_grant" if allowed else "role.hardship_revoke",
            org=role.org,
            target=role.user,
            before={"hardship_access": not allowed},
            after={"hardship_access": allowed},
        )
    return role


def staff_set_active(*, scope: Scope, user: User, active: bool) -> User:
    """Disable or re-enable an account; a disabled account can neither log in nor use tokens."""
    _require_manages_user(scope, user)
    if user.pk == scope.user.pk:
        raise ApplicationError(_("You cannot disable your own account."))
    with transaction.atomic():
        before = {"is_active": user.is_active}
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            scope=scope,
            action="staff.enable" if active else "staff.disable",
            org=user.roles.first().org,
            target=user,
            before=before,
            after={"is_active": active},
        )
    return user


def staff_reset_password(*, scope: Scope, user: User, password: str) -> None:
    """An admin sets a new password for an account in their subtree and lifts any lock."""
    _require_manages_user(scope, user)
    _validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["password", "failed_logins", "locked_until"])
        audit_record(
            scope=scope, action="staff.password_reset", org=user.roles.first().org, target=user
        )


def password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ApplicationError(
            _("The current password is wrong."), fields={"old_password": [_("Wrong password.")]}
        )
    _validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        role = user.roles.select_related("org").first()
        audit_record(
            actor=user, action="password.change", org=role.org if role else None, target=user
        )


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for ``user``; returns the row and the token, which is never stored."""
    name = (name or "").strip() or _("API token")
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user, name=name[:100], prefix=prefix, digest=token_digest(token)
        )
        role = user.roles.select_related("org").first()
        audit_record(actor=user, action="token.create", org=role.org if role else None, target=row)
    return row, token


_token_users: LocalCache[User] = LocalCache("accounts.token_users")


def token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise ForbiddenError()
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            role = user.roles.select_related("org").first()
            audit_record(
                actor=user, action="token.revoke", org=role.org if role else None, target=token
            )
    return token


def token_authenticate(token: str) -> User | None:
    """The active user behind a bearer token, or None. Marks the token as used (at most once
    a minute). Runs on every API call, so the check is one plain query: revoking the token or
    disabling the account takes effect at once; the user's row itself comes from a
    per-process cache (names for the audit log), read again after LOCAL_CACHE_SECONDS."""
    now = timezone.now()
    ops = connection.ops
    with fastsql.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.user_id, t.last_used_at IS NULL OR t.last_used_at < %s "
            f"FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id "
            "WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active",
            [ops.adapt_datetimefield_value(now - timedelta(seconds=60)), token_digest(token)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, user_id, stale = row
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    _token_claims.get(token_digest(token), lambda: (token_id, user_id))
    return _token_users.get(user_id, lambda: User.objects.filter(pk=user_id).first())


@dataclass(frozen=True)
class TokenClaim:
    """A bearer token as this process last found it good: its row's id and its user."""

    token_id: int
    user: User


# digest -> (token id, user id), kept by token_authenticate after a full check.
_token_claims: LocalCache[tuple[int, int]] = LocalCache("accounts.token_claims")


def token_claim(token: str) -> TokenClaim | None:
    """Whom ``token`` named when this process last authenticated it in full (within
    LOCAL_CACHE_SECONDS), WITHOUT asking whether it still does: only for a hot path whose
    own first query runs token_check_sql in the same round trip and answers 401 unless
    token_confirmed says yes (care's kit scan, core.api.TokenAuth(confirmed_by_view=True)).
    None: not known here, authenticate in full."""
    ids = _token_claims.get(token_digest(token), lambda: None)
    if ids is None:
        return None
    token_id, user_id = ids
    user = _token_users.get(user_id, lambda: User.objects.filter(pk=user_id).first())
    return TokenClaim(token_id, user) if user is not None else None


def token_check_sql(token_id: int) -> tuple[str, list]:
    """A SELECT of exactly one row ``(valid, stale)``: the token is not revoked and its
    account active (the checks of token_authenticate), and its last use was marked more than
    a minute ago. Portable SQL, to run beside a hot path's own query (fastsql.fetch_brief)."""
    since = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(seconds=60))
    sql = (
        "SELECT count(*), coalesce(max(CASE WHEN t.last_used_at IS NULL OR t.last_used_at < "
        f"%s THEN 1 ELSE 0 END), 0) FROM {ApiToken._meta.db_table} t JOIN "
        f"{User._meta.db_table} u ON u.id = t.user_id WHERE t.id = %s AND "
        "t.revoked_at IS NULL AND u.is_active"
    )
    return sql, [since, token_id]


def token_confirmed(token_id: int, valid, stale) -> bool:
    """The verdict of token_check_sql's row; marks the token as used as token_authenticate
    does."""
    if valid and stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=timezone.now())
    return bool(valid)


def login_record(*, user: User) -> None:
    role = user.roles.select_related("org").order_by("org__path").first()
    audit_record(actor=user, action="login", org=role.org if role else None, target=user)


def admin_bootstrap(*, org: Org, username: str, display_name: str, password: str) -> User:
    """The first administrator of a fresh installation, from the command line.

    Every other account is created by an admin through ``staff_create``; this is how the
    first admin comes to exist, so it is audited with no actor.
    """
    if User.objects.filter(username__iexact=username).exists():
        raise ConflictError(_("The username is taken."), fields={"username": [_("Already used.")]})
    user = User(username=username.strip(), display_name=display_name.strip())
    _validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        Role.objects.create(user=user, org=org, kind=RoleKind.ADMIN)
        audit_record(
            action="staff.bootstrap",
            org=org,
            target=user,
            after={"username": user.username, "role": f"{org.name}:{RoleKind.ADMIN}"},
        )
    return user
