from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.console import (
    FigureCard,
    FigureRow,
    H5Tile,
    NavItem,
    register_figures,
    register_h5_tile,
    register_nav,
)
from gonghui.core.scope import Scope
from gonghui.members.models import EmploymentForm, MembershipStatus
from gonghui.members.selectors import worker_counts

register_nav(NavItem("workers", _("Workers register"), "members:list", icon="idcard", order=20))


@register_figures(order=15)
def worker_figures(scope: Scope) -> list[FigureCard]:
    """职工: the register's totals, each row drilling down to the filtered list."""
    counts = worker_counts(scope)
    url = reverse("members:list")
    rows = [
        FigureRow(
            _("Members"),
            counts["members"],
            f"{url}?membership_status={MembershipStatus.MEMBER.value}",
        ),
        FigureRow(_("Gig workers"), counts["gig"], f"{url}?gig=on"),
    ]
    rows += [
        FigureRow(
            form.label, counts["by_form"].get(form.value, 0), f"{url}?employment_form={form.value}"
        )
        for form in EmploymentForm
    ]
    return [FigureCard("workers", _("Workers"), counts["total"], _("people"), url, rows)]


register_h5_tile(
    H5Tile("me", _("Me"), _("Your union card and personal QR code"), "members_h5:me", order=900)
)
