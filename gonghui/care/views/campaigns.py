"""Campaigns, their sites and figures, the hand-out records and their exports."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.care import exports, forms, selectors, services
from gonghui.care.models import CampaignStatus
from gonghui.care.services.campaigns import per_person, per_person_value, yuan
from gonghui.care.views.common import form_page, require_edit
from gonghui.core.errors import ApplicationError
from gonghui.core.exports import xlsx_response
from gonghui.core.permissions import Perm

FILTERS = ("campaign", "site", "org", "day", "target")


def campaign_list(request):
    """送温暖: the campaigns in scope with the subtree's figures."""
    scope = request.scope
    status = request.GET.get("status", "")
    page = Paginator(selectors.campaign_list(scope, status=status), 30).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "figures": selectors.care_figures(scope),
        "status": status,
        "statuses": CampaignStatus.choices,
        "can_edit": scope.can_anywhere(Perm.EDIT),
    }
    return render(request, "care/campaign_list.html", context)


def campaign_create(request):
    scope = request.scope
    require_edit(scope)
    form = forms.CampaignForm(request.POST or None, scope=scope)
    return form_page(
        request,
        form,
        lambda f: services.campaign_create(scope=scope, **f.service_fields()),
        title=_("New relief campaign"),
        success=_("The campaign was created as a draft."),
        back=lambda c: reverse("care:campaign", args=[c.pk]),
        cancel=reverse("care:campaigns"),
    )


def campaign_detail(request, carecampaign_id: int):
    scope = request.scope
    campaign = selectors.get_campaign_for(scope, carecampaign_id)
    can_edit = scope.can(Perm.EDIT, campaign.org)
    context = {
        "campaign": campaign,
        "per_person": per_person(campaign),
        "value": yuan(per_person_value(campaign)),
        "sites": selectors.campaign_sites(scope, campaign),
        "figures": selectors.care_figures(scope, campaign_id=campaign.pk),
        "can_edit": can_edit,
        "site_form": forms.CampaignSiteForm(scope=scope, campaign=campaign) if can_edit else None,
        "statuses": CampaignStatus.choices,
        "targets": [str(g) for g in campaign.target_groups.all()],
        "labels": selectors.target_labels(),
    }
    return render(request, "care/campaign_detail.html", context)


@require_POST
def campaign_status(request, carecampaign_id: int):
    scope = request.scope
    campaign = selectors.get_campaign_for(scope, carecampaign_id, perm=Perm.EDIT)
    try:
        services.campaign_set_status(
            scope=scope, campaign=campaign, status=request.POST.get("status", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("care:campaign", carecampaign_id=campaign.pk)


@require_POST
def campaign_site_add(request, carecampaign_id: int):
    scope = request.scope
    campaign = selectors.get_campaign_for(scope, carecampaign_id, perm=Perm.EDIT)
    form = forms.CampaignSiteForm(request.POST, scope=scope, campaign=campaign)
    if not form.is_valid():
        messages.error(request, _("Choose a site."))
        return redirect("care:campaign", carecampaign_id=campaign.pk)
    try:
        services.campaign_site_add(scope=scope, campaign=campaign, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The site was added."))
    return redirect("care:campaign", carecampaign_id=campaign.pk)


def _filters(request) -> dict:
    get = request.GET
    as_int = {
        key: int(get[key]) for key in ("campaign", "site", "org") if get.get(key, "").isdigit()
    }
    return {
        "campaign_id": as_int.get("campaign"),
        "site_id": as_int.get("site"),
        "org_id": as_int.get("org"),
        "day": parse_date(get.get("day", "")) if get.get("day") else None,
        "target": get.get("target", "")[:32],
        "voided": True if get.get("voided") == "1" else False,
    }


def distribution_list(request):
    """The hand-outs behind every figure: where each figure drills down to."""
    scope = request.scope
    try:
        filters = _filters(request)
    except ValueError:
        filters = {"voided": False}
    rows = selectors.distribution_list(scope, **filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "labels": selectors.target_labels(),
        "query": request.GET.urlencode(),
        "voided": filters.get("voided"),
        "form": forms.VoidForm(),
    }
    return render(request, "care/distribution_list.html", context)


@require_GET
def distribution_export(request):
    try:
        filters = _filters(request)
    except ValueError:
        filters = {"voided": False}
    handle, name = exports.distributions_export(scope=request.scope, filters=filters)
    return xlsx_response(handle, name)


@require_GET
def figures_export(request):
    campaign = request.GET.get("campaign", "")
    handle, name = exports.figures_export(
        scope=request.scope, campaign_id=int(campaign) if campaign.isdigit() else None
    )
    return xlsx_response(handle, name)
