from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.console import FigureCard, FigureRow, NavItem, register_figures, register_nav
from gonghui.core.scope import Scope
from gonghui.quizzes.figures import campaign_summary
from gonghui.quizzes.models import CampaignStatus
from gonghui.quizzes.selectors import campaign_list

register_nav(NavItem("quizzes", _("Online quizzes"), "quizzes:campaigns", icon="quiz", order=50))
register_nav(NavItem("quiz_banks", _("Question banks"), "quizzes:banks", icon="book", order=51))

DASHBOARD_CAMPAIGNS = 4


@register_figures(order=50)
def quiz_cards(scope: Scope) -> list[FigureCard]:
    """在线答题: participants of the open (else the latest) campaigns in scope, with each
    campaign's participation rate; each row opens that campaign's live figures."""
    campaigns = list(
        campaign_list(scope).exclude(status=CampaignStatus.DRAFT)[:DASHBOARD_CAMPAIGNS]
    )
    if not campaigns:
        return []
    rows, participants = [], 0
    for campaign in campaigns:
        total = campaign_summary(campaign)
        participants += total.participants
        rows.append(
            FigureRow(
                _("%(title)s · participants (%(rate)s%%)")
                % {"title": campaign.title, "rate": total.rate_percent},
                total.participants,
                reverse("quizzes:figures", args=[campaign.pk]),
            )
        )
    return [
        FigureCard(
            "quizzes",
            _("Online quizzes"),
            participants,
            _("people took part"),
            reverse("quizzes:campaigns"),
            rows,
        )
    ]
