from django.contrib import messages
from django.shortcuts import redirect, render

from gonghui.core.errors import ApplicationError, ForbiddenError
from gonghui.core.forms_util import add_service_error
from gonghui.core.permissions import Perm


def require_edit(scope) -> None:
    if not scope.can_anywhere(Perm.EDIT):
        raise ForbiddenError()


def form_page(request, form, call, *, title, success, back, cancel=None):
    """A console form whose valid POST calls one service; its errors land on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect(back(result) if callable(back) else back)
    context = {
        "form": form,
        "title": title,
        "cancel": cancel or (back if isinstance(back, str) else ""),
    }
    return render(request, "care/form.html", context)
