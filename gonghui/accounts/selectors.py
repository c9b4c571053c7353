"""Reads of staff accounts and tokens, scoped."""

from django.db.models import Count, Prefetch, Q, QuerySet

from gonghui.accounts.models import ApiToken, Role, User
from gonghui.core.errors import NotFoundError
from gonghui.core.scope import Scope


def staff_list(scope: Scope, *, q: str = "", role: str = "") -> QuerySet[User]:
    """Accounts holding at least one role inside the scope, with only those roles prefetched."""
    roles_in_scope = scope.filter(Role.objects.select_related("org"), "org")
    users = User.objects.filter(roles__in=roles_in_scope.values("pk")).distinct()
    if q.strip():
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role:
        users = users.filter(roles__in=roles_in_scope.filter(kind=role).values("pk"))
    return users.prefetch_related(
        Prefetch("roles", queryset=roles_in_scope.order_by("org__path"), to_attr="scoped_roles")
    ).order_by("username")


def get_staff_for(scope: Scope, *, user_id: int) -> User:
    user = staff_list(scope).filter(pk=user_id).first()
    if user is None:
        raise NotFoundError()
    return user


def get_role_for(scope: Scope, *, role_id: int) -> Role:
    role = (
        scope.filter(Role.objects.select_related("org", "user"), "org").filter(pk=role_id).first()
    )
    if role is None:
        raise NotFoundError()
    return role


def token_list(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def get_token_for(user: User, *, token_id: int) -> ApiToken:
    """A user sees and revokes only their own tokens."""
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFoundError()
    return token


def staff_role_counts(scope: Scope) -> tuple[int, dict[str, int]]:
    """Active accounts in scope, and how many hold each kind of role there."""
    roles = scope.filter(Role.objects.filter(user__is_active=True), "org")
    by_kind = dict(roles.order_by().values_list("kind").annotate(n=Count("user", distinct=True)))
    return roles.values("user").distinct().count(), by_kind
