from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.views import defaults

from gonghui.core.context import RequestMeta, client_ip, reset_meta, set_meta
from gonghui.core.errors import ForbiddenError, NotFoundError
from gonghui.core.scope import scope_for_user

ACTING_ROLE_SESSION_KEY = "acting_role_id"


class ConsoleLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a login unless its view says ``@login_not_required``.

    The JSON API authenticates on its own (bearer token or session) and answers 401 in JSON,
    so it is left to django-ninja.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ConsoleMessageMiddleware(MessageMiddleware):
    """Django's messages (notices shown on the next page), for pages only: the JSON API
    answers in its own body, so its requests skip setting up the message store."""

    def process_request(self, request):
        if not request.path_info.startswith("/api/"):
            super().process_request(request)


class RequestContextMiddleware:
    """Sets ``request.scope`` (the acting org's subtree) and the audit context of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(
            lambda: scope_for_user(
                request.user, acting_role_id=request.session.get(ACTING_ROLE_SESSION_KEY)
            )
        )
        via = "api" if request.path_info.startswith("/api/") else "console"
        meta = RequestMeta(
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            via=via,
        )
        token = set_meta(meta)
        try:
            return self.get_response(request)
        finally:
            reset_meta(token)

    def process_exception(self, request, exception):
        # Fetch-and-authorise helpers raise these; pages answer with the usual 404/403.
        if isinstance(exception, NotFoundError):
            return defaults.page_not_found(request, Http404())
        if isinstance(exception, ForbiddenError):
            return defaults.permission_denied(request, PermissionDenied())
        return None
