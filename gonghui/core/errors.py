"""One error type for every rule a service enforces; the UI and the API both render it."""

from django.utils.translation import gettext_lazy as _


class ErrorCode:
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    UNAUTHENTICATED = "unauthenticated"
    LOCKED = "account_locked"


class ApplicationError(Exception):
    """A use-case rule was broken. ``fields`` maps a field name to its messages."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = ErrorCode.INVALID,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}


class NotFoundError(ApplicationError):
    status = 404

    def __init__(self, message: str = "", **kwargs) -> None:
        super().__init__(message or str(_("Not found.")), code=ErrorCode.NOT_FOUND, **kwargs)


class ForbiddenError(ApplicationError):
    status = 403

    def __init__(self, message: str = "", **kwargs) -> None:
        message = message or str(_("You do not have permission to do this."))
        super().__init__(message, code=ErrorCode.FORBIDDEN, **kwargs)


class ConflictError(ApplicationError):
    status = 409

    def __init__(self, message: str, **kwargs) -> None:
        super().__init__(message, code=ErrorCode.CONFLICT, **kwargs)
