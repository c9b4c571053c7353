from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.console import FigureCard, FigureRow, NavItem, register_figures, register_nav
from gonghui.core.scope import Scope
from gonghui.orgs.models import OrgKind
from gonghui.orgs.selectors import org_kind_counts

register_nav(NavItem("orgs", _("Union organisations"), "orgs:tree", icon="tree", order=10))


@register_figures(order=10)
def org_figures(scope: Scope) -> list[FigureCard]:
    counts = org_kind_counts(scope)
    url = reverse("orgs:list")
    rows = [
        FigureRow(kind.label, counts.get(kind.value, 0), f"{url}?kind={kind.value}")
        for kind in OrgKind
    ]
    return [
        FigureCard("orgs", _("Union organisations"), sum(counts.values()), _("orgs"), url, rows)
    ]
