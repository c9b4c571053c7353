"""The worker's own pages under /h5/: sign in with phone and a texted code; "me" (the
worker's card and personal QR code that other modules scan); joining the union online (the
application, its status, and the member e-card once admitted)."""

from dataclasses import replace

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gonghui.core.context import client_ip, current_meta, reset_meta, set_meta
from gonghui.core.errors import ApplicationError
from gonghui.core.forms_util import add_service_error
from gonghui.core.pii import mask_phone
from gonghui.core.qr import qr_svg
from gonghui.members import identity, selectors, services
from gonghui.members.forms_join import JoinForm, street_choices
from gonghui.members.models import ApplicationStatus
from gonghui.members.services.identity import otp_pending, otp_request, otp_verify


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/h5/me/"


@login_not_required
@never_cache
def sign_in(request):
    """Step 1: the phone number (a code is texted). Step 2: the code."""
    context = {"next": _next_url(request), "phone": request.POST.get("phone", ""), "step": 1}
    if request.method == "POST":
        try:
            if "code" in request.POST:
                context["step"] = 2
                phone = request.POST.get("phone", "")
                index = otp_verify(phone=phone, code=request.POST["code"])
                identity.sign_in(request, phone=phone, phone_index=index)
                return redirect(context["next"])
            otp_request(phone=context["phone"], ip=client_ip(request))
            context["step"] = 2
        except ApplicationError as exc:
            context["error"] = exc.message
            # asked again too soon (a second tap, the page reopened): the code sent a moment
            # ago still works, so show the code field with the reason above it
            if "code" not in request.POST and otp_pending(phone=context["phone"]):
                context["step"] = 2
    return render(request, "members/h5/sign_in.html", context)


@login_not_required
@never_cache
@identity.worker_required
def me(request):
    worker = request.worker_identity.worker()
    return render(request, "members/h5/me.html", {"worker": worker})


@login_not_required
@never_cache
@identity.worker_required
def my_qr(request):
    """The personal QR code alone, re-fetched every few minutes while the page is open."""
    worker = request.worker_identity.worker()
    if worker is None:
        return render(request, "members/h5/qr.html", {"svg": ""})
    svg = qr_svg(identity.worker_qr_token(worker), scale=6, title=worker.name)
    return render(request, "members/h5/qr.html", {"svg": svg})


@login_not_required
@require_POST
def sign_out(request):
    identity.sign_out(request)
    return redirect("/h5/")


# Joining the union online (网上入会)


def _initial(worker) -> dict:
    """What the register already knows of a signed-in worker who is not a member yet."""
    if worker is None:
        return {}
    return {
        "name": worker.name,
        "employment_form": worker.employment_form,
        "employer_name": worker.employer.name if worker.employer_id else "",
    }


@login_not_required
@never_cache
@identity.worker_required
def join(request):
    """The application: who, how and where they work, consent; a member sees their card."""
    ident = request.worker_identity
    worker = ident.worker()
    if worker is not None and worker.is_member:
        return redirect("members_h5:my_card")
    form = JoinForm(request.POST or None, initial=_initial(worker))
    if request.method == "POST" and form.is_valid():
        token = set_meta(replace(current_meta(), via="h5"))  # the audit log's channel
        try:
            services.application_submit(phone=ident.phone, **form.service_fields())
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return redirect("members_h5:join_status")
        finally:
            reset_meta(token)
    applications = selectors.applicant_applications(ident.phone_index)
    context = {
        "form": form,
        "phone": mask_phone(ident.phone),
        "pending": applications.filter(status=ApplicationStatus.PENDING).exists(),
    }
    return render(request, "members/h5/join.html", context)


@login_not_required
@identity.worker_required
def join_streets(request):
    """The street choices of the district just chosen (htmx)."""
    districts = {str(d.pk): d for d in selectors.work_districts()}
    choices = street_choices(districts.get(request.GET.get("district", "")))
    return render(request, "members/h5/street_options.html", {"choices": choices})


@login_not_required
@identity.worker_required
def join_employers(request):
    """Employer names for the datalist as the applicant types (employers are not personal)."""
    names = selectors.employer_suggestions(request.GET.get("employer_name", ""))
    return render(request, "members/h5/employer_options.html", {"names": names})


@login_not_required
@never_cache
@identity.worker_required
def join_status(request):
    """The applicant's applications: with whom, decide by when, escalated, decided."""
    ident = request.worker_identity
    today = timezone.localdate()
    applications = list(selectors.applicant_applications(ident.phone_index)[:10])
    rows = [(app, *selectors.application_escalation(app, today)) for app in applications]
    if any(app.status == ApplicationStatus.ACCEPTED for app in applications):
        identity.refresh(request, ident)  # now in the register: the card and QR code work
    return render(request, "members/h5/join_status.html", {"rows": rows, "today": today})


@login_not_required
@never_cache
@identity.worker_required
def my_card(request):
    """The member e-card: union, membership number, joined on, and the personal QR code."""
    ident = identity.refresh(request, request.worker_identity)
    return render(request, "members/h5/card.html", {"worker": ident.worker()})
