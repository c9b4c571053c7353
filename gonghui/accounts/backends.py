"""Password login that locks an account after repeated failures."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.audit import audit_record


class LockoutBackend(ModelBackend):
    """ModelBackend plus a lock: LOGIN_MAX_FAILURES wrong passwords in a row lock the account
    for LOGIN_LOCKOUT_MINUTES. Counting is a conditional UPDATE, so parallel guesses each count."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same time as a real check: no user enumeration
            return None
        if user.is_locked:
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        self._count_failure(user)
        return None

    def _count_failure(self, user: User) -> None:
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        locked = User.objects.filter(
            pk=user.pk, failed_logins__gte=settings.LOGIN_MAX_FAILURES
        ).update(
            failed_logins=0,
            locked_until=timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES),
        )
        audit_record(
            action="account.lock" if locked else "login.fail", target=user, org=_home_org(user)
        )


def _home_org(user: User):
    role = user.roles.select_related("org").order_by("org__path").first()
    return role.org if role else None
