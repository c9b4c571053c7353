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
register_h5_tile(
    H5Tile(
        "join",
        _("Join the union online"),
        _("Apply online and follow who handles it, and by when"),
        "members_h5:join",
        order=5,
    )
)


register_nav(
    NavItem(
        "applications",
        _("Membership applications"),
        "members:applications",
        icon="inbox",
        order=22,
    )
)


@register_figures(order=16)
def application_figure_cards(scope: Scope) -> list[FigureCard]:
    """网上入会: applications in scope, each figure drilling down to its records."""
    from gonghui.members.figures import application_counts

    counts = application_counts(scope)
    url = reverse("members:applications")
    median = counts.median_days
    rows = [
        FigureRow(_("Pending"), counts.pending, f"{url}?view=pending"),
        FigureRow(_("Overdue"), counts.overdue, f"{url}?view=overdue"),
        FigureRow(_("Accepted"), counts.accepted, f"{url}?view=all&status=accepted"),
        FigureRow(_("Declined"), counts.declined, f"{url}?view=all&status=declined"),
        FigureRow(
            _("Median working days to a decision"),
            "—" if median is None else f"{median:g}",
            reverse("members:application_figures"),
        ),
    ]
    return [
        FigureCard(
            "applications",
            _("Membership applications"),
            counts.applications,
            _("applications"),
            reverse("members:application_figures"),
            rows,
        )
    ]
