"""The worker's own pages under /h5/: sign in with phone and a texted code, and "me" (the
worker's card and personal QR code that other modules scan)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gonghui.core.context import client_ip
from gonghui.core.errors import ApplicationError
from gonghui.core.qr import qr_svg
from gonghui.members import identity
from gonghui.members.services.identity import otp_request, otp_verify


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
