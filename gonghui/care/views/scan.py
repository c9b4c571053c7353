"""The page a site's staff keep open on a phone while handing out.

Every form carries a request id made when the form was drawn; a scan whose answer was lost
on a weak connection is sent again with the same id and gets the first answer back, never
a second kit. After each answer the page draws a fresh form with a new id.
"""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gonghui.care import forms, selectors, services
from gonghui.care.models import StockBalance
from gonghui.care.services.campaigns import per_person
from gonghui.care.services.distributions import can_hand_out
from gonghui.core.errors import ApplicationError, ForbiddenError
from gonghui.core.identity import normalise_id_number, normalise_phone, normalise_text
from gonghui.core.permissions import Perm


def _panel(request, row, *, result=None, error="", register=None, status=200):
    """The scan form with the last answer; alone for htmx, inside the page otherwise."""
    items = per_person(row.campaign)
    stock = dict(
        StockBalance.objects.filter(site=row.site, item__in=[i for i, _n in items]).values_list(
            "item_id", "quantity"
        )
    )
    context = {
        "row": row,
        "campaign": row.campaign,
        "items": [(item, n, stock.get(item.pk, 0)) for item, n in items],
        "form": forms.ScanForm(initial={"request_id": uuid.uuid4()}),
        "result": result,
        "error": error,
        "register": register,
        "recent": selectors.distribution_list(
            request.scope, campaign_id=row.campaign_id, site_id=row.site_id, voided=None
        )[:8],
        "labels": selectors.target_labels(),
    }
    partial = request.headers.get("HX-Request")
    template = "care/scan_panel.html" if partial else "care/scan.html"
    return render(request, template, context, status=status)


def _site_for(request, carecampaign_id: int, campaignsite_id: int):
    row = selectors.get_campaign_site_for(request.scope, carecampaign_id, campaignsite_id)
    if not can_hand_out(request.scope, row):
        raise ForbiddenError()
    return row


@never_cache
def scan_page(request, carecampaign_id: int, campaignsite_id: int):
    return _panel(request, _site_for(request, carecampaign_id, campaignsite_id))


def _register_form(code: str, request_id) -> forms.RegisterForm:
    """Registration on the spot, with the phone or ID number that found nobody filled in."""
    initial = {"request_id": request_id}
    text = normalise_text(code)
    phone = normalise_phone(text)
    if phone.isdigit() and len(phone) == 11:
        initial["phone"] = phone
    else:
        initial["id_number"] = normalise_id_number(text)
    return forms.RegisterForm(initial=initial)


@never_cache
@require_POST
def scan(request, carecampaign_id: int, campaignsite_id: int):
    """Scan a personal QR code or type an ID or phone: hand out, refuse, or offer to
    register on the spot."""
    row = _site_for(request, carecampaign_id, campaignsite_id)
    form = forms.ScanForm(request.POST)
    if not form.is_valid():
        return _panel(request, row, error=_("Reload the page and scan again."), status=400)
    code, request_id = form.cleaned_data["code"], form.cleaned_data["request_id"]
    try:
        worker = services.find_recipient(code)
        if worker is None:
            return _panel(request, row, register=_register_form(code, request_id))
        result = services.distribution_hand_out(
            scope=request.scope, campaign_site=row, worker=worker, request_id=request_id
        )
    except ApplicationError as error:
        return _panel(request, row, error=error.message, status=200)
    return _panel(request, row, result=result)


@never_cache
@require_POST
def register(request, carecampaign_id: int, campaignsite_id: int):
    row = _site_for(request, carecampaign_id, campaignsite_id)
    form = forms.RegisterForm(request.POST)
    if not form.is_valid():
        return _panel(request, row, register=form)
    try:
        result = services.distribution_register_and_hand_out(
            scope=request.scope, campaign_site=row, **form.cleaned_data
        )
    except ApplicationError as error:
        for name, problems in error.fields.items():
            if name in form.fields:
                for problem in problems:
                    form.add_error(name, problem)
        return _panel(request, row, register=form, error=error.message)
    return _panel(request, row, result=result)


@require_POST
def void(request, distribution_id: int):
    scope = request.scope
    distribution = selectors.get_distribution_for(scope, distribution_id, perm=Perm.EDIT)
    form = forms.VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Give the reason for voiding."))
        services.distribution_void(
            scope=scope, distribution=distribution, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The hand-out was voided; the kit is back in stock."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/care/") else "care:distributions")
