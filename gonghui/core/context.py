"""Where the current request came from, for audit events written deep inside services."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    ip: str | None = None
    user_agent: str = ""
    via: str = "console"  # console, api, cli, task


CLI_META = RequestMeta(via="cli")
# RequestMeta is frozen, so sharing one default instance is safe.
_current: ContextVar[RequestMeta] = ContextVar("gonghui_request_meta", default=CLI_META)  # noqa: B039


def current_meta() -> RequestMeta:
    return _current.get()


def set_meta(meta: RequestMeta):
    return _current.set(meta)


def reset_meta(token) -> None:
    _current.reset(token)


def client_ip(request) -> str | None:
    # Behind a reverse proxy, the proxy sets X-Forwarded-For; docs/operations.md says to
    # enable TRUST_X_FORWARDED_FOR only when one is in front.
    from django.conf import settings

    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")
