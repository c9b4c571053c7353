from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Status

from gonghui.accounts import selectors, services
from gonghui.accounts.models import User
from gonghui.accounts.schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut
from gonghui.core.api import responses
from gonghui.core.errors import ApplicationError, ErrorCode

router = Router(tags=["auth"])

TOKEN_FIELDS = ("id", "name", "prefix", "created_at", "last_used_at", "revoked_at")


def _token_out(token) -> dict:
    return {f: getattr(token, f) for f in TOKEN_FIELDS}


class InvalidCredentials(ApplicationError):
    status = 401


@router.post(
    "/token",
    auth=None,
    response=responses(201, TokenCreatedOut, 401),
    summary="Exchange a username and password for a bearer token",
)
def create_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        locked = User.objects.filter(username=payload.username, locked_until__isnull=False).first()
        if locked is not None and locked.is_locked:
            raise InvalidCredentials(
                _("Too many failed attempts; the account is locked."), code=ErrorCode.LOCKED
            )
        raise InvalidCredentials(_("Wrong username or password."), code="invalid_credentials")
    row, token = services.token_create(user=user, name=payload.name)
    return Status(201, {**_token_out(row), "token": token})


@router.get("/tokens", response=responses(200, list[TokenOut], 401), summary="Your tokens")
def list_tokens(request):
    return [_token_out(t) for t in selectors.token_list(request.user)]


@router.delete(
    "/tokens/{token_id}",
    response=responses(200, TokenOut, 403, 404),  # 403: a console session without CSRF
    summary="Revoke one of your tokens",
)
def revoke_token(request, token_id: int):
    token = selectors.get_token_for(request.user, token_id=token_id)
    return _token_out(services.token_revoke(user=request.user, token=token))


@router.get("/me", response=responses(200, MeOut, 401), summary="Who you are and your roles")
def me(request):
    roles = request.user.roles.select_related("org").order_by("org__path")
    return {
        "username": request.user.username,
        "display_name": request.user.display_name,
        "roles": [{"org_code": r.org.code, "org_name": r.org.name, "role": r.kind} for r in roles],
    }
