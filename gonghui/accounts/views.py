from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.accounts import forms, selectors, services
from gonghui.core.errors import ApplicationError, ForbiddenError, NotFoundError
from gonghui.core.forms_util import add_service_error
from gonghui.core.middleware import ACTING_ROLE_SESSION_KEY
from gonghui.core.permissions import Perm
from gonghui.orgs.selectors import get_org_for


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(ACTING_ROLE_SESSION_KEY, None)
        services.login_record(user=form.get_user())
        return response


def password_change(request):
    form = forms.PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("core:dashboard")
    return render(request, "accounts/password_change.html", {"form": form})


def _require_staff_admin(scope) -> None:
    if not scope.can_anywhere(Perm.MANAGE_STAFF):
        raise ForbiddenError()


def staff_list(request):
    _require_staff_admin(request.scope)
    q = request.GET.get("q", "")
    page = Paginator(selectors.staff_list(request.scope, q=q), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/staff_list.html", {"page": page, "q": q})


def staff_create(request):
    _require_staff_admin(request.scope)
    initial = {"org_code": request.GET.get("org", "")}
    form = forms.StaffCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = get_org_for(request.scope, code=data.pop("org_code"), perm=Perm.MANAGE_STAFF)
            user = services.staff_create(scope=request.scope, org=org, **data)
        except NotFoundError:
            form.add_error("org_code", _("No organisation with this code in your scope."))
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:staff_detail", user_id=user.pk)
    return render(request, "accounts/staff_form.html", {"form": form})


def staff_detail(request, user_id: int):
    _require_staff_admin(request.scope)
    staff = selectors.get_staff_for(request.scope, user_id=user_id)
    forms_by_action = {
        "update": forms.StaffUpdateForm(
            initial={"display_name": staff.display_name, "email": staff.email}
        ),
        "grant": forms.RoleGrantForm(),
        "reset": forms.PasswordResetForm(),
    }
    action = request.POST.get("action", "")
    if request.method == "POST" and action in forms_by_action:
        form = forms_by_action[action].__class__(request.POST)
        forms_by_action[action] = form
        if form.is_valid() and _staff_apply(request, staff, action, form):
            return redirect("accounts:staff_detail", user_id=staff.pk)
    return render(request, "accounts/staff_detail.html", {"staff": staff, **forms_by_action})


def _staff_apply(request, staff, action: str, form) -> bool:
    scope, data = request.scope, form.cleaned_data
    try:
        if action == "update":
            services.staff_update(scope=scope, user=staff, **data)
        elif action == "grant":
            org = get_org_for(scope, code=data["org_code"], perm=Perm.MANAGE_STAFF)
            services.role_grant(scope=scope, user=staff, org=org, role=data["role"])
        else:
            services.staff_reset_password(scope=scope, user=staff, password=data["password"])
    except NotFoundError:
        form.add_error("org_code", _("No organisation with this code in your scope."))
        return False
    except ApplicationError as error:
        add_service_error(form, error)
        return False
    messages.success(request, _("Saved."))
    return True


@require_POST
def staff_set_active(request, user_id: int):
    _require_staff_admin(request.scope)
    staff = selectors.get_staff_for(request.scope, user_id=user_id)
    try:
        services.staff_set_active(
            scope=request.scope, user=staff, active=request.POST.get("active") == "1"
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("accounts:staff_detail", user_id=staff.pk)


@require_POST
def role_hardship(request, role_id: int):
    """Grant or remove the hardship-files permission on one role (another admin's account)."""
    _require_staff_admin(request.scope)
    role = selectors.get_role_for(request.scope, role_id=role_id)
    try:
        services.role_set_hardship_access(
            scope=request.scope, role=role, allowed=request.POST.get("allowed") == "1"
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("accounts:staff_detail", user_id=role.user_id)


@require_POST
def role_revoke(request, role_id: int):
    _require_staff_admin(request.scope)
    role = selectors.get_role_for(request.scope, role_id=role_id)
    try:
        services.role_revoke(scope=request.scope, role=role)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("accounts:staff_detail", user_id=role.user_id)


def token_list(request):
    form = forms.TokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _row, new_token = services.token_create(user=request.user, name=form.cleaned_data["name"])
        form = forms.TokenCreateForm()
    tokens = selectors.token_list(request.user)
    return render(
        request, "accounts/tokens.html", {"form": form, "tokens": tokens, "new_token": new_token}
    )


@require_POST
def token_revoke(request, token_id: int):
    token = selectors.get_token_for(request.user, token_id=token_id)
    services.token_revoke(user=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")
