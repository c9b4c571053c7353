"""Live figures of a campaign for its organisers, their exports and the participants
behind them. The page polls its figures panel (htmx) so branches watch it move."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.exports import xlsx_response
from gonghui.quizzes import exports, selectors
from gonghui.quizzes.exports import may_reveal
from gonghui.quizzes.figures import campaign_figures
from gonghui.quizzes.ranking import MEASURES

REFRESH_SECONDS = 30


def _unit(request, campaign):
    code = request.GET.get("unit", "").strip()
    return selectors.campaign_unit(request.scope, campaign, code) if code else campaign.org


def campaign_figures_page(request, quizcampaign_id: int):
    """The figures of the campaign under one unit (default: the whole campaign); the
    panel alone for htmx, which polls it every REFRESH_SECONDS."""
    campaign = selectors.get_campaign_for(request.scope, quizcampaign_id)
    unit = _unit(request, campaign)
    by = request.GET.get("by", "")
    per_hour = {"hour": True, "day": False}.get(by)
    figures = campaign_figures(campaign, unit=unit, per_hour=per_hour)
    weights = campaign.ranking_weights or {}
    context = {
        "campaign": campaign,
        "unit": unit,
        "figures": figures,
        "by": by,
        "query": request.GET.urlencode(),
        "refresh": REFRESH_SECONDS,
        "weights": [(key, round(float(weights.get(key, 0)) * 100)) for key in MEASURES],
    }
    partial = request.headers.get("HX-Request")
    template = "figures_panel.html" if partial else "figures.html"
    return render(request, f"quizzes/console/{template}", context)


def participant_list(request, quizcampaign_id: int):
    """Who took part (the records behind the figures), masked phones."""
    campaign = selectors.get_campaign_for(request.scope, quizcampaign_id)
    unit = _unit(request, campaign)
    q = request.GET.get("q", "").strip()[:20]
    rows = selectors.participant_list(campaign, unit=unit, q=q)
    context = {
        "campaign": campaign,
        "unit": unit,
        "q": q,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "query": request.GET.urlencode(),
        "reveal": may_reveal(request.scope),
    }
    return render(request, "quizzes/console/participants.html", context)


@require_GET
def export(request, quizcampaign_id: int, sheet: str):
    campaign = selectors.get_campaign_for(request.scope, quizcampaign_id)
    writer = {
        "figures": exports.figures_export,
        "ranking": exports.ranking_export,
        "participants": exports.participants_export,
        "questions": exports.questions_export,
    }[sheet]
    handle, name = writer(scope=request.scope, campaign=campaign, unit=_unit(request, campaign))
    return xlsx_response(handle, name)
