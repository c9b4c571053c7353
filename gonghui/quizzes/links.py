"""The links printed on posters and sent to chat groups: the campaign's page on the
worker's phone (``quizzes_h5:campaign``), with the unit it was handed out through."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from gonghui.orgs.models import Org
from gonghui.quizzes.models import QuizCampaign


def campaign_path(campaign: QuizCampaign, unit: Org | None = None) -> str:
    path = reverse("quizzes_h5:campaign", args=[campaign.token])
    return f"{path}?{urlencode({'branch': unit.code})}" if unit is not None else path


def campaign_link(request, campaign: QuizCampaign, unit: Org | None = None) -> str:
    return request.build_absolute_uri(campaign_path(campaign, unit))
