"""Shared API machinery: authentication, the error shape and the error handlers.

Every error leaves the API as ``{"code", "message", "fields"}`` (DESIGN rule 4).
"""

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from gonghui.core import fastsql
from gonghui.core.errors import ApplicationError, ErrorCode
from gonghui.core.scope import scope_for_user


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


# Any operation can meet a malformed request, a missing login or invalid input.
COMMON_ERRORS = (400, 401, 422)
WRITE_ERRORS = (403, 404, 409)


def responses(ok_status: int, schema, *errors: int) -> dict:
    """A response map declaring the error shape for every status the operation can answer:
    the common ones, plus ``errors`` (default: those of a write, 403/404/409)."""
    statuses = set(COMMON_ERRORS) | set(errors or WRITE_ERRORS)
    return {ok_status: schema, **{status: ErrorOut for status in sorted(statuses)}}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gh_…``: the token's user, acting through all of their roles.

    ``confirmed_by_view``: for a hot path (care's kit scan) that saves the token's own round
    trip. A token this process authenticated in full within LOCAL_CACHE_SECONDS is taken
    at its word here, and the view must settle it with ``token_confirm`` (its first query
    running ``token_check_of`` beside its own) before it reads or writes anything else, and
    on every way out (401 if the token was revoked or its account disabled meanwhile)."""

    def __init__(self, *, confirmed_by_view: bool = False) -> None:
        super().__init__()
        self.confirmed_by_view = confirmed_by_view

    def authenticate(self, request: HttpRequest, token: str):
        from gonghui.accounts.services import token_authenticate, token_claim

        claim = token_claim(token) if self.confirmed_by_view else None
        if claim is not None:
            user = claim.user
            request.token_to_confirm = claim.token_id
        elif (user := token_authenticate(token)) is None:
            return None
        request.user = user
        request.scope = scope_for_user(user, all_roles=True)
        return user


def token_check_of(request: HttpRequest) -> tuple[str, list] | None:
    """The check a view of ``TokenAuth(confirmed_by_view=True)`` runs beside its first query,
    or None if the request's credentials are already settled."""
    from gonghui.accounts.services import token_check_sql

    token_id = getattr(request, "token_to_confirm", None)
    return token_check_sql(token_id) if token_id is not None else None


def token_confirm(request: HttpRequest, row: tuple | None = None) -> None:
    """Settle the request's token claim with ``row`` (the result of token_check_of's SQL),
    or by running that check now; AuthenticationError (401) unless it is still good."""
    from gonghui.accounts.services import token_confirmed

    token_id = getattr(request, "token_to_confirm", None)
    if token_id is None:
        return
    if row is None:
        sql, params = token_check_of(request)
        with fastsql.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    request.token_to_confirm = None
    if not token_confirmed(token_id, *row):
        raise AuthenticationError()


class ConsoleSessionAuth(SessionAuth):
    """The console's own session (CSRF-checked), acting for the org chosen in the top bar."""


def _error(api: NinjaAPI, request, status: int, code: str, message: str, fields=None):
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


def _field_name(loc) -> str:
    loc = list(loc)
    if loc and loc[0] in ("file", "form"):  # multipart: ("file", "file"), ("form", "org")
        loc = loc[1:]
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        return _error(api, request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(error.get("loc", ())), []).append(error.get("msg", ""))
        return _error(api, request, 422, ErrorCode.INVALID, _("The request is not valid."), fields)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return _error(
            api, request, 401, ErrorCode.UNAUTHENTICATED, _("Log in or send a valid bearer token.")
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return _error(api, request, 404, ErrorCode.NOT_FOUND, _("Not found."))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        codes = {
            401: ErrorCode.UNAUTHENTICATED,
            403: ErrorCode.FORBIDDEN,
            404: ErrorCode.NOT_FOUND,
            409: ErrorCode.CONFLICT,
        }
        return _error(
            api, request, exc.status_code, codes.get(exc.status_code, ErrorCode.INVALID), str(exc)
        )


def prevalidated(data: dict, status: int = 200) -> HttpResponse:
    """``data`` as the operation's JSON answer, past ninja's response validation. Only for
    hot operations whose answer is built field by field for the schema they declare (the
    OpenAPI document still shows it, and a test validates real answers against it), where
    validating every nested value again costs more than the rest of the request."""
    return HttpResponse(json.dumps(data), status=status, content_type="application/json")
