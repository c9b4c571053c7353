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
    """``Authorization: Bearer gh_…``: the token's user, acting through all of their roles."""

    def authenticate(self, request: HttpRequest, token: str):
        from gonghui.accounts.services import token_authenticate

        user = token_authenticate(token)
        if user is None:
            return None
        request.user = user
        request.scope = scope_for_user(user, all_roles=True)
        return user


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
